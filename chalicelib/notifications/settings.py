"""What a resident wants to be emailed about.

Stored on the profile item (`UserItem.notifications`, a map topic -> bool holding only the choices
the resident made), so the digest and the alerts, which already hold the residents' profile items
from the `NBH#<id>#RESIDENTS` query, decide without another read (`wants_for`).

The calm default: everything is on, because each topic is already quiet by design — the digest is
one email a week, none for an empty week nor, unless the resident says otherwise
(`digest_skip_when_read`), for a week they read all of in their feed; urgent alerts are for lost pets within reach and
emergencies only, at most ALERTS_PER_DAY a day; a loan reminder is one email the day before the
resident must return something; a message email is sent once per unread streak, after a day; `events` is
an event the resident answered (going, maybe or waiting) being cancelled, whole or one occurrence; `volunteering`
is a shift the resident signed up for: cancelled or moved by its organisers, and the reminder the day before.
Neighbourhood topics (digest, alerts) go to verified residents only.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import ConfigDict, StrictBool
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.models import UserItem
from chalicelib.content.counters import count_in_week
from chalicelib.errors import NotFound
from chalicelib.models import Model
from chalicelib.store.table import refused_conditions, transaction

Topic = Literal["digest", "alert_lost_pet", "alert_emergency", "loan_reminders", "messages", "events", "volunteering"]
TOPICS: tuple[Topic, ...] = get_args(Topic)
DEFAULTS: dict[Topic, bool] = {
    "digest": True,
    "alert_lost_pet": True,
    "alert_emergency": True,
    "loan_reminders": True,
    "messages": True,
    "events": True,
    "volunteering": True,
}
# Neighbourhood content: for residents whose address is verified.
NEIGHBOURHOOD_TOPICS: frozenset[str] = frozenset({"digest", "alert_lost_pet", "alert_emergency"})
# Not a topic (no unsubscribe link names it): how the digest goes. `digest_skip_when_read`: no digest for a
# week whose every post the resident already saw in their feed (chalicelib/digest/service.py `read_everything`).
OPTIONS: dict[str, bool] = {"digest_skip_when_read": True}
CHOICES: dict[str, bool] = {**DEFAULTS, **OPTIONS}


class NotificationSettings(Model):
    """A resident's email choices, every topic named."""

    digest: bool
    alert_lost_pet: bool
    alert_emergency: bool
    loan_reminders: bool
    messages: bool
    events: bool
    volunteering: bool
    digest_skip_when_read: bool


class NotificationSettingsUpdate(Model):
    """Topics left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    digest: StrictBool | None = None
    alert_lost_pet: StrictBool | None = None
    alert_emergency: StrictBool | None = None
    loan_reminders: StrictBool | None = None
    messages: StrictBool | None = None
    events: StrictBool | None = None
    volunteering: StrictBool | None = None
    digest_skip_when_read: StrictBool | None = None


def choices_of(user: UserItem) -> NotificationSettings:
    made = _made(user)
    return NotificationSettings(**{choice: made.get(choice, default) for choice, default in CHOICES.items()})


def wants_for(user: UserItem, topic: str) -> bool:
    """Does this resident (a profile item already read) want emails of this topic?"""
    if topic not in DEFAULTS:
        raise ValueError(f"unknown notification topic {topic!r}")
    if topic in NEIGHBOURHOOD_TOPICS and (user.residence_status != "verified" or not user.neighbourhood_id):
        return False
    return bool(_made(user).get(topic, DEFAULTS[topic]))  # type: ignore[call-overload]


def skips_when_read(user: UserItem) -> bool:
    """Does this resident want no digest for a week they read all of (on by default)?"""
    return bool(_made(user).get("digest_skip_when_read", OPTIONS["digest_skip_when_read"]))


def wants(user_id: str, topic: str) -> bool:
    """One read of the profile; False for an account that no longer exists."""
    try:
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        return False
    return wants_for(user, topic)


def change(user_id: str, changes: dict[str, bool]) -> NotificationSettings:
    """Record the resident's choices (only the topics named change). Each topic turned off that was on counts one
    unsubscribe in the resident's neighbourhood's week (docs/indicators.md), in the same transaction, on condition
    that those topics are still on as read: a concurrent unsubscribe of the same topic reads again and counts nothing."""
    unknown = set(changes) - set(CHOICES)
    if unknown:
        raise ValueError(f"unknown notification choices {sorted(unknown)}")
    for attempt in range(3):
        user = UserItem.get(*UserItem.key(user_id), consistent_read=attempt > 0)
        now_on = choices_of(user).model_dump()
        turned_off = [topic for topic, value in changes.items() if not value and now_on.get(topic)]
        made = {**_made(user), **{topic: bool(value) for topic, value in changes.items()}}
        if not turned_off or user.residence_status != "verified" or not user.neighbourhood_id:
            user.update(actions=[UserItem.notifications.set(made)], condition=UserItem.pk.exists())
            return choices_of(user)
        condition = UserItem.pk.exists()
        for topic in turned_off:
            on = UserItem.notifications[topic] == True  # noqa: E712
            condition &= (on | UserItem.notifications[topic].does_not_exist()) if CHOICES[topic] else on
        try:
            with transaction() as t:
                t.update(user, actions=[UserItem.notifications.set(made)], condition=condition)
                count_in_week(t, user.neighbourhood_id, unsubscribes=len(turned_off))
        except TransactWriteError as error:
            if refused_conditions(error) and attempt < 2:
                continue  # changed meanwhile: read the choices again
            raise
        user.notifications = made
        break
    return choices_of(user)


def _made(user: UserItem) -> dict[str, bool]:
    stored = user.notifications
    if stored is None:
        return {}
    values = stored.as_dict() if hasattr(stored, "as_dict") else dict(stored)
    return {choice: bool(value) for choice, value in values.items() if choice in CHOICES}


def mine(user_id: str) -> NotificationSettings:
    try:
        return choices_of(UserItem.get(*UserItem.key(user_id)))
    except DoesNotExist:
        raise NotFound("No such account.", {"user": "not found"}) from None


def change_mine(user_id: str, update: NotificationSettingsUpdate) -> NotificationSettings:
    try:
        return change(user_id, update.model_dump(exclude_none=True))
    except DoesNotExist:
        raise NotFound("No such account.", {"user": "not found"}) from None


def _export(user_id: str) -> dict[str, bool]:
    try:
        return choices_of(UserItem.get(*UserItem.key(user_id))).model_dump()
    except DoesNotExist:
        return {}


def _erase(user_id: str, choice: ContentChoice) -> None:
    """The choices live on the profile item, which the erasure deletes; sent markers and daily counters
    hold only ids and expire by themselves (400 and 2 days)."""


# "Your data": the export lists the email choices (chalicelib/accounts/content_owners.py).
register_content_owner(ContentOwner(name="notifications", export=_export, erase=_erase))
