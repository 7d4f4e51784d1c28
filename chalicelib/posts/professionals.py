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
    PostItem, Professional, ProfessionalItem, ProfessionalList, ProfessionalRecommendation, RecommendingHouseholdItem,
)
from chalicelib.store.table import condition_failed, refused_conditions, transaction


def professionals(neighbourhood_id: str, trade: str | None) -> ProfessionalList:
    """One Query of the neighbourhood's professionals, then their recommendation posts in BatchGetItems
    of 100 (not a read per professional); hidden posts are left out."""
    prefix = f"PRO#{trade}#" if trade else "PRO#"
    found = list(ProfessionalItem.query(ProfessionalItem.partition(neighbourhood_id),
                                        ProfessionalItem.sk.startswith(prefix)))
    wanted = sorted({post_id for p in found for post_id in (p.posts or ())})
    posts = {post.post_id: post for post in PostItem.batch_get([PostItem.key(post_id) for post_id in wanted])}
    listed = []
    for p in found:
        shown = sorted((posts[i] for i in (p.posts or ()) if i in posts and not posts[i].hidden),
                       key=lambda post: post.post_id, reverse=True)
        listed.append(Professional(
            trade=p.trade, name=p.name, contact=p.contact, phone=p.phone, email=p.email, website=p.website,
            households=int(p.households),
            recommendations=[ProfessionalRecommendation(post_id=post.post_id, text=str(post.content.get("text", ""))[:200],
                                                        author_name=post.author_name) for post in shown]))
    return ProfessionalList(professionals=sorted(listed, key=lambda p: (-p.households, p.trade, fold(p.name))))


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
                ProfessionalItem.name.set(content["name"].strip()), ProfessionalItem.contact.set(_contact(content)),
                *_contact_fields(content, post_id)])
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise
        # already counted for this household: the post joins the marker and the professional's posts
        marker.update(actions=[RecommendingHouseholdItem.posts.add({post_id})])
        professional.update(actions=_contact_fields(content, post_id))


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
