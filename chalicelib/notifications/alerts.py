"""Urgent alerts: a lost pet within reach, an emergency announcement — emailed at once, calmly.

Each alert is sent to a resident at most once (`emails.send_once` with the marker
`ALERT#<kind>#<subject id>#<user_id>`), only if they want that kind (`settings.wants_for`), and at
most ALERTS_PER_DAY of each kind a Luxembourg day: a counter item per resident, kind and day,
raised by an atomic conditional ADD, so two alerts racing for the last slot cannot both win. The
kinds are capped apart, so a run of lost pets never crowds out an emergency. A capped alert is not
sent later: the weekly digest lists the lost pets within reach that are still lost.

The fan-outs never run inside the API request: creating a lost-pet post and
publishing an emergency enqueue one small job naming the item (chalicelib/notifications/alert_queue.py,
queue `noper-alerts`), which the SQS handler splits into one job per neighbourhood. `lost_pet_job`
is such a job for a lost pet: it reads the post, queries the verified residents of one neighbourhood
(its own or one within reach; one Query on gsi1 `NBH#<id>#RESIDENTS`) and sends. `send_each` is the
loop both kinds share: one resident's failed send does not stop the others, and the job then raises
`AlertsIncomplete` so SQS delivers it again — the markers make the retry send only what is missing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.accounts.models import UserItem
from chalicelib.adapters.clock import LUXEMBOURG, now
from chalicelib.notifications import emails
from chalicelib.notifications.settings import wants_for
from chalicelib.observability import logger
from chalicelib.store.table import Entity, condition_failed
from chalicelib.web.site import site

ALERTS_PER_DAY = 3


class AlertsIncomplete(RuntimeError):
    """Some residents' alerts of a job failed to send: raised after the others were sent, so SQS retries."""


class AlertCountItem(Entity):
    """pk=USER#<user_id>, sk=ALERTS#<topic>#<yyyy-mm-dd> (Luxembourg day): alerts of one kind sent
    that day, atomic ADD under the condition count < ALERTS_PER_DAY; expires after two days."""

    count = NumberAttribute(default=0)

    @staticmethod
    def key(user_id: str, topic: str, day: date) -> tuple[str, str]:
        return f"USER#{user_id}", f"ALERTS#{topic}#{day.isoformat()}"


def luxembourg_day(moment: datetime | None = None) -> date:
    return (moment or now()).astimezone(LUXEMBOURG).date()


def take_slot(user_id: str, topic: str, day: date, limit: int = ALERTS_PER_DAY) -> bool:
    """One of the day's alert slots, if one is left (atomic: ADD under a condition)."""
    item = AlertCountItem(*AlertCountItem.key(user_id, topic, day))
    try:
        item.update(actions=[AlertCountItem.count.add(1), AlertCountItem.ttl.set(now() + timedelta(days=2))],
                    condition=AlertCountItem.count.does_not_exist() | (AlertCountItem.count < limit))
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def give_back_slot(user_id: str, topic: str, day: date) -> None:
    AlertCountItem(*AlertCountItem.key(user_id, topic, day)).update(actions=[AlertCountItem.count.add(-1)])


def send_alert(user: UserItem, topic: str, marker_key: str, template: str, context: dict[str, Any],
               language: str | None = None) -> bool:
    """Email one urgent alert to one resident: if they want it, not sent before, and under the day's cap
    (in `language`, else the resident's). Returns whether this call sent it. A failed send gives its
    slot back and raises, so a retry sends it."""
    if not wants_for(user, topic) or emails.already_sent(marker_key):
        return False
    day = luxembourg_day()
    if not take_slot(user.user_id, topic, day):
        logger.info("alert not sent: daily cap reached", topic=topic, user_id=user.user_id)
        return False
    try:
        message = emails.render(template, language or emails.language_of(user), context, user_id=user.user_id,
                                topic=topic, to=user.email)
        sent = emails.send_once(marker_key, message)
    except Exception:
        give_back_slot(user.user_id, topic, day)
        raise
    if not sent:  # another run sent it between the look and the send
        give_back_slot(user.user_id, topic, day)
    return sent


def send_emergency_alert(user: UserItem, announcement_id: str, *, language: str, title: str, body: str,
                         commune: str, url: str) -> bool:
    """An emergency announcement to one resident (chalicelib/announcements/emergency.py calls this per
    targeted resident): the same wants/once/cap rules, template `emergency_alert`."""
    return send_alert(user, "alert_emergency", f"ALERT#emergency#{announcement_id}#{user.user_id}", "emergency_alert",
                      {"title": title, "body": body, "commune": commune, "announcement_url": url}, language=language)


def send_each(users: Iterable[UserItem], send: Callable[[UserItem], bool], subject: str) -> int:
    """Send to each resident; returns how many this run sent. A failed send is logged and the others go
    on; then `AlertsIncomplete` is raised, so the queue retries the job (the sent ones are marked)."""
    sent, failed = 0, []
    for user in users:
        try:
            if send(user):
                sent += 1
        except Exception:  # noqa: BLE001 — one resident's failure must not cost the others their alert
            logger.exception("alert not sent", subject=subject, user_id=user.user_id)
            failed.append(user.user_id)
    if failed:
        raise AlertsIncomplete(f"{len(failed)} alerts for {subject} not sent ({sent} sent); retry")
    return sent


# --- lost pets --------------------------------------------------------------------------------

def lost_pet_post(post_id: str) -> Any:
    """The post, if it still calls for alerts (a lost pet, not hidden, still lost); else None."""
    from chalicelib.posts.models import PostItem

    try:
        post = PostItem.get(*PostItem.key(post_id))
    except DoesNotExist:
        return None
    if post.kind != "lost_pet" or post.hidden or post.state != "lost":
        return None
    return post


def lost_pet_neighbourhoods(post_id: str) -> list[str]:
    """The neighbourhoods a lost pet's alerts go to: its own and those within reach."""
    post = lost_pet_post(post_id)
    return [] if post is None else [post.neighbourhood_id, *(post.reach or [])]


def lost_pet_job(job: dict[str, str]) -> int:
    """Email a lost pet to the verified residents of `job["neighbourhood_id"]` (all its neighbourhoods
    when absent), not its author; returns how many this run sent."""
    from chalicelib.neighbours.service import published_neighbourhood, residents
    from chalicelib.posts import pets

    post = lost_pet_post(job["post_id"])
    if post is None:
        return 0
    targets = [post.neighbourhood_id, *(post.reach or [])]
    if job.get("neighbourhood_id") is not None:
        targets = [n for n in targets if n == job["neighbourhood_id"]]
    try:
        neighbourhood = published_neighbourhood(post.neighbourhood_id).name
    except Exception:
        neighbourhood = post.neighbourhood_id
    content = dict(post.content or {})
    context = {
        "title": content.get("species", ""),
        "body": content.get("description", ""),
        "neighbourhood": neighbourhood,
        "last_seen_at": pets.last_seen_at(content, post.created_at),
        "place": pets.place_label(content),
        "post_url": f"{site()}/posts/{post.post_id}",
    }
    recipients = [user for neighbourhood_id in targets
                  for user in residents(neighbourhood_id, "verified") if user.user_id != post.author_id]
    blocking = _blocking(recipients, post.author_id)
    sent = send_each([user for user in recipients if user.user_id not in blocking],
                     lambda user: send_alert(user, "alert_lost_pet", f"ALERT#lost_pet#{post.post_id}#{user.user_id}",
                                             "lost_pet_alert", context),
                     f"lost pet {post.post_id}")
    logger.info("lost pet alerts sent", post_id=post.post_id, sent=sent, neighbourhoods=len(targets))
    return sent


def _blocking(users: list[UserItem], author_id: str) -> set[str]:
    """Who among them blocked the author (one batch read): they are not written to about the author."""
    from chalicelib.messages.models import BlockItem

    keys = [BlockItem.key(user.user_id, author_id) for user in users]
    if not keys:
        return set()
    return {item.pk.removeprefix("USER#").removesuffix("#BLOCKS")
            for item in BlockItem.batch_get(keys, attributes_to_get=["pk", "sk"])}
