"""The neighbourhood's professionals: recommendation posts counted once per household, and the
directory read from those counts. docs/data-model.md lists the keys."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError

from chalicelib.communes.service import fold
from chalicelib.posts.models import (
    FeedEntryItem, PostItem, Professional, ProfessionalItem, ProfessionalList, ProfessionalRecommendation, RecommendingHouseholdItem,
)
from chalicelib.store.table import GSI1, condition_failed, refused_conditions, table_connection, transaction


def professionals(neighbourhood_id: str, trade: str | None) -> ProfessionalList:
    """One Query of gsi1's partition of the neighbourhood's recommendation posts, where the professionals are
    indexed too (`ProfessionalItem.index_keys`): the professionals and the feed entries of their posts (kept in
    step with every edit, hiding and deletion) together; hidden posts are left out. When a post there belongs
    to no professional found (professionals indexed before #16, or a post whose count is still being
    written), the directory is read as before: the professionals' Query, then their posts in BatchGetItems."""
    prefix = f"PRO#{trade}#" if trade else "PRO#"
    found: list[ProfessionalItem] = []
    posts: dict[str, dict[str, Any]] = {}
    start = None
    while True:
        page = table_connection().query(FeedEntryItem.kind_feed(neighbourhood_id, "recommendation"),
                                        index_name=GSI1, exclusive_start_key=start)
        for raw in page.get("Items", []):
            if raw["gsi1sk"]["S"].startswith(ProfessionalItem.INDEXED):
                found.append(ProfessionalItem.from_raw_data(raw))
            else:
                post = FeedEntryItem.from_raw_data(raw).post
                posts[post["id"]] = post
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    if set(posts) - {post_id for p in found for post_id in (p.posts or ())}:
        return _professionals_read_apart(neighbourhood_id, prefix)
    return _directory([p for p in found if p.sk.startswith(prefix)], posts)


def _professionals_read_apart(neighbourhood_id: str, prefix: str) -> ProfessionalList:
    found = list(ProfessionalItem.query(ProfessionalItem.partition(neighbourhood_id),
                                        ProfessionalItem.sk.startswith(prefix)))
    wanted = sorted({post_id for p in found for post_id in (p.posts or ())})
    posts = {post.post_id: {"id": post.post_id, "content": post.content or {}, "author_name": post.author_name,
                            "hidden": bool(post.hidden)}
             for post in PostItem.batch_get([PostItem.key(post_id) for post_id in wanted])}
    return _directory(found, posts)


def _directory(found: list[ProfessionalItem], posts: dict[str, dict[str, Any]]) -> ProfessionalList:
    """`posts`: post id -> the post's public fields (`id`, `content`, `author_name`, `hidden`)."""
    listed = []
    for p in found:
        shown = sorted((posts[i] for i in (p.posts or ()) if i in posts and not posts[i].get("hidden")),
                       key=lambda post: post["id"], reverse=True)
        listed.append(Professional(
            trade=p.trade, name=p.name, contact=p.contact, phone=p.phone, email=p.email, website=p.website,
            households=int(p.households),
            recommendations=[ProfessionalRecommendation(post_id=post["id"],
                                                        text=str((post.get("content") or {}).get("text", ""))[:200],
                                                        author_name=post.get("author_name")) for post in shown]))
    return ProfessionalList(professionals=sorted(listed, key=lambda p: (-p.households, p.trade, fold(p.name))))


def index_professionals() -> int:
    """Once, after upgrading (#16, `./noper index-professionals`): index every professional next to its
    neighbourhood's recommendation posts (idempotent). A Scan: an operator's one-off. Answers how many."""
    indexed = 0
    for professional in ProfessionalItem.scan(ProfessionalItem.sk.startswith("PRO#") & ProfessionalItem.pk.contains("#PROS")):
        if not professional.pk.endswith("#PROS"):
            continue
        nbh_id = professional.pk.removeprefix("NBH#").removesuffix("#PROS")
        gsi1pk, gsi1sk = ProfessionalItem.index_keys(nbh_id, professional.sk)
        try:
            professional.update(actions=[ProfessionalItem.gsi1pk.set(gsi1pk), ProfessionalItem.gsi1sk.set(gsi1sk)],
                                condition=ProfessionalItem.pk.exists())
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        indexed += 1
    return indexed


def _contact(content: dict[str, Any]) -> str:
    if content.get("email"):
        return content["email"].lower()
    if content.get("phone"):
        return re.sub(r"[^0-9+]", "", content["phone"])
    return (urlsplit(content["website"]).hostname or "").removeprefix("www.")


def professional_key(content: dict[str, Any]) -> str:
    name = " ".join(fold(content["name"]).split())
    return hashlib.sha256(f"{content['trade']}|{name}|{_contact(content)}".encode()).hexdigest()[:20]


def count_recommendation(neighbourhood_id: str, content: dict[str, Any], household: str, post_id: str) -> None:
    """+1 for the professional, once per household: the household marker is written conditionally,
    with the recommending post in its `posts` set; a second post of the household only joins the set."""
    key = professional_key(content)
    professional = ProfessionalItem(ProfessionalItem.partition(neighbourhood_id),
                                    ProfessionalItem.sort_key(content["trade"], key))
    marker = RecommendingHouseholdItem(*RecommendingHouseholdItem.key(neighbourhood_id, key, household),
                                       posts={post_id})
    try:
        with transaction() as t:
            t.save(marker, condition=RecommendingHouseholdItem.pk.does_not_exist())
            t.update(professional, actions=[
                ProfessionalItem.households.add(1), ProfessionalItem.trade.set(content["trade"]),
                *_indexed(neighbourhood_id, professional.sk),
                ProfessionalItem.name.set(content["name"].strip()), ProfessionalItem.contact.set(_contact(content)),
                *_contact_fields(content, post_id)])
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise
        # already counted for this household: the post joins the marker and the professional's posts
        marker.update(actions=[RecommendingHouseholdItem.posts.add({post_id})])
        professional.update(actions=[*_contact_fields(content, post_id), *_indexed(neighbourhood_id, professional.sk)])


def _indexed(neighbourhood_id: str, sk: str) -> list:
    gsi1pk, gsi1sk = ProfessionalItem.index_keys(neighbourhood_id, sk)
    return [ProfessionalItem.gsi1pk.set(gsi1pk), ProfessionalItem.gsi1sk.set(gsi1sk)]


def _contact_fields(content: dict[str, Any], post_id: str) -> list:
    """The latest recommendation's phone, email and website, and the post among the professional's."""
    return [ProfessionalItem.posts.add({post_id}),
            *(getattr(ProfessionalItem, name).set(content[name]) if content.get(name)
              else getattr(ProfessionalItem, name).remove() for name in ("phone", "email", "website"))]


def uncount_recommendation(neighbourhood_id: str, content: dict[str, Any], household: str, post_id: str) -> None:
    """The post leaves its household's marker; when it was the household's last recommendation of the
    professional, the marker goes and the count drops by one (both conditional, one transaction); a
    professional nobody recommends any more leaves the directory."""
    key = professional_key(content)
    marker = RecommendingHouseholdItem(*RecommendingHouseholdItem.key(neighbourhood_id, key, household))
    try:
        marker.update(actions=[RecommendingHouseholdItem.posts.delete({post_id})],
                      condition=RecommendingHouseholdItem.posts.contains(post_id))
    except UpdateError as error:
        if condition_failed(error):
            return  # not counted for this post (or already uncounted)
        raise
    professional = ProfessionalItem(ProfessionalItem.partition(neighbourhood_id),
                                    ProfessionalItem.sort_key(content["trade"], key))
    try:
        professional.update(actions=[ProfessionalItem.posts.delete({post_id})], condition=ProfessionalItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise
    if marker.posts:
        return  # another post of the household still recommends them
    try:
        with transaction() as t:
            # Empty sets vanish in DynamoDB: no `posts` means no post of the household joined meanwhile.
            t.delete(marker, condition=RecommendingHouseholdItem.posts.does_not_exist())
            t.update(professional, actions=[ProfessionalItem.households.add(-1)],
                     condition=ProfessionalItem.households > 0)
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise
        return
    try:
        professional.delete(condition=ProfessionalItem.households <= 0)
    except DeleteError as error:
        if not condition_failed(error):
            raise
