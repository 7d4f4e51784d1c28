"""Urgent alerts: a lost pet within reach, an emergency announcement — emailed at once, calmly.

Each alert is sent to a resident at most once (`emails.send_once` with the marker
`ALERT#<kind>#<subject id>#<user_id>`), only if they want that kind (`settings.wants_for`), and at
most ALERTS_PER_DAY of each kind a Luxembourg day: a counter item per resident, kind and day,
raised by an atomic conditional ADD, so two alerts racing for the last slot cannot both win. The
kinds are capped apart, so a run of lost pets never crowds out an emergency. A capped alert is not
sent later: the weekly digest lists the lost pets within reach that are still lost.

The lost-pet fan-out is a job named by the post's id alone (`lost_pet_job`): it reads the post,
queries the verified residents of its neighbourhood and of those within reach (one Query each, on
gsi1 `NBH#<id>#RESIDENTS`) and sends. `dispatch` runs it inline, right after the post is written;
for a commune where a reach holds thousands of residents it moves behind a queue unchanged (send
`{"post_id": ...}` to SQS, run `lost_pet_job` from `@app.on_sqs_message`), as the digest does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.accounts.models import UserItem
from chalicelib.adapters.clock import now
from chalicelib.notifications import emails, unsubscribe
from chalicelib.notifications.settings import wants_for
from chalicelib.observability import logger
from chalicelib.store.table import Entity, condition_failed

ALERTS_PER_DAY = 3


class AlertCountItem(Entity):
    """pk=USER#<user_id>, sk=ALERTS#<topic>#<yyyy-mm-dd> (Luxembourg day): alerts of one kind sent
    that day, atomic ADD under the condition count < ALERTS_PER_DAY; expires after two days."""

    count = NumberAttribute(default=0)

    @staticmethod
    def key(user_id: str, topic: str, day: date) -> tuple[str, str]:
        return f"USER#{user_id}", f"ALERTS#{topic}#{day.isoformat()}"


def luxembourg_day(moment: datetime | None = None) -> date:
    return (moment or now()).astimezone(emails.LUXEMBOURG).date()


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


# --- lost pets --------------------------------------------------------------------------------

def dispatch_lost_pet(post_id: str) -> int:
    """Right after a lost pet is posted. Never fails the post: a failure is logged (the digest
    still lists the pet), and a rerun of `lost_pet_job` sends only what was not sent."""
    try:
        return lost_pet_job({"post_id": post_id})
    except Exception:
        logger.exception("lost pet alerts failed", post_id=post_id)
        return 0


def lost_pet_job(job: dict[str, str]) -> int:
    """Email a lost pet to the verified residents within reach (not its author); returns how many."""
    from chalicelib.neighbours.service import published_neighbourhood, residents
    from chalicelib.posts.models import PostItem

    try:
        post = PostItem.get(*PostItem.key(job["post_id"]))
    except DoesNotExist:
        return 0
    if post.kind != "lost_pet" or post.hidden or post.state != "lost":
        return 0
    try:
        neighbourhood = published_neighbourhood(post.neighbourhood_id).name
    except Exception:
        neighbourhood = post.neighbourhood_id
    content = dict(post.content or {})
    context = {
        "title": content.get("species", ""),
        "body": content.get("description", ""),
        "neighbourhood": neighbourhood,
        "last_seen_at": post.created_at,
        "post_url": f"{unsubscribe.site()}/posts/{post.post_id}",
    }
    recipients = [user for neighbourhood_id in [post.neighbourhood_id, *(post.reach or [])]
                  for user in residents(neighbourhood_id, "verified") if user.user_id != post.author_id]
    blocking = _blocking(recipients, post.author_id)
    sent = 0
    for user in recipients:
        if user.user_id in blocking:
            continue
        if send_alert(user, "alert_lost_pet", f"ALERT#lost_pet#{post.post_id}#{user.user_id}", "lost_pet_alert",
                      context):
            sent += 1
    logger.info("lost pet alerts sent", post_id=post.post_id, sent=sent, reach=len(post.reach or []))
    return sent


def _blocking(users: list[UserItem], author_id: str) -> set[str]:
    """Who among them blocked the author (one batch read): they are not written to about the author."""
    from chalicelib.messages.models import BlockItem

    keys = [BlockItem.key(user.user_id, author_id) for user in users]
    if not keys:
        return set()
    return {item.pk.removeprefix("USER#").removesuffix("#BLOCKS")
            for item in BlockItem.batch_get(keys, attributes_to_get=["pk", "sk"])}
