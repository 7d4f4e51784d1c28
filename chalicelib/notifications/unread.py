"""An email when a private message has waited unread for a day: once per conversation per unread streak.

A streak begins with the first message the resident has not read (`ParticipantItem.unread_since`,
set if absent in the same transaction as `unread ADD 1`) and ends when they read the conversation
(removed with `unread SET 0`). Each message also writes a watch item in the bucket of its UTC hour,
`pk=UNREAD#<yyyy-mm-ddTHH>`, `sk=<conversation_id>#<user_id>` (same transaction, expires after 3
days), so the hourly job finds what to look at with one Query per hour bucket, never a Scan: the
buckets whose hour ended a day ago (CATCH_UP_HOURS of them, so a missed run is made up). For each
watch it reads the participant: still unread and the streak a day old → `send_once` with the marker
`UNREAD#<conversation_id>#<user_id>#<unread_since>`, so later messages of the same streak and
reruns send nothing more. The watch is deleted once looked at.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.clock import now
from chalicelib.notifications import emails
from chalicelib.observability import logger
from chalicelib.store.table import Entity
from chalicelib.web.site import site

WAIT = timedelta(days=1)
CATCH_UP_HOURS = 3
WATCH_DAYS = 3


class UnreadWatchItem(Entity):
    """pk=UNREAD#<yyyy-mm-ddTHH> (UTC hour a message arrived), sk=<conversation_id>#<user_id> (its reader)."""

    @classmethod
    def for_message(cls, conversation_id: str, reader_id: str, moment: datetime) -> "UnreadWatchItem":
        return cls(_bucket(moment), f"{conversation_id}#{reader_id}", ttl=moment + timedelta(days=WATCH_DAYS))


def _bucket(moment: datetime) -> str:
    return f"UNREAD#{moment.astimezone(timezone.utc):%Y-%m-%dT%H}"


def due_buckets(moment: datetime) -> list[str]:
    """The hour buckets whose last minute is at least a day before `moment`, newest CATCH_UP_HOURS."""
    newest = moment - WAIT - timedelta(hours=1)
    return [_bucket(newest - timedelta(hours=n)) for n in range(CATCH_UP_HOURS)]


def remind_unread(moment: datetime | None = None) -> int:
    """The hourly job: email residents whose messages have waited a day. Returns how many were sent."""
    from chalicelib.messages.models import ParticipantItem

    moment = moment or now()
    sent = 0
    for bucket in due_buckets(moment):
        for watch in UnreadWatchItem.query(bucket):
            conversation_id, _, user_id = watch.sk.partition("#")
            try:
                participant = ParticipantItem.get(*ParticipantItem.key(conversation_id, user_id))
            except DoesNotExist:
                watch.delete()
                continue
            since = participant.unread_since
            if (participant.unread or 0) > 0 and since is not None and since <= moment - WAIT:
                if _email(participant, since):
                    sent += 1
            watch.delete()
    logger.info("unread message reminders sent", sent=sent)
    return sent


def _email(participant, since: datetime) -> bool:
    conversation_id = participant.conversation_id
    return emails.email_resident(
        participant.user_id, "messages", f"UNREAD#{conversation_id}#{participant.user_id}#{since.isoformat()}",
        "unread_messages",
        lambda: {"sender": emails.display_name(participant.with_user_id), "since": since,
                 "conversation_url": f"{site()}/messages/{conversation_id}"})
