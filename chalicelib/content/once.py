"""Indicators counted once per person or piece, whatever the retries and concurrent requests: a conditional marker
written in the same transaction as the counter's ADD, so that only the write that creates the marker counts
(docs/indicators.md).

- weekly active residents: `ActiveWeekItem`, one per resident per ISO week (expires after the week); and their
  households: `HouseholdActiveWeekItem`, one per address per ISO week, written after a resident's first counting;
- first answers to a help request: `FirstAnswerItem`, one per post;
- newcomers welcomed: `WelcomeWindowItem`, written when a resident is verified, marked by the first neighbour who
  writes to them within 7 days;
- residents verified or leaving: the week's `verified_gained` / `verified_lost`, in the resident's own transaction
  (its condition on their residence as read makes it once).
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.adapters.clock import now
from chalicelib.content.counters import count_in_week, first_answer_bucket, iso_week
from chalicelib.observability import logger
from chalicelib.store.table import Entity, refused_conditions, step_back, transaction

WELCOME_WINDOW = timedelta(days=7)
ANSWER_MARKER_KEPT = timedelta(days=400)  # a help request is answered within a year or counted "later" anyway
CONFLICT_ATTEMPTS = 5  # concurrent transactions on one marker or counter cancel each other: try again


class ActiveWeekItem(Entity):
    """pk `USER#<id>#ACTIVE`, sk `<ISO week>`: the resident was counted active that week. Expires two weeks on."""

    @staticmethod
    def key(user_id: str, week: str) -> tuple[str, str]:
        return f"USER#{user_id}#ACTIVE", week


class HouseholdActiveWeekItem(Entity):
    """pk `ADDRESS#<id>#ACTIVE`, sk `<ISO week>`: one of the household's residents was active that week (Hoplr's
    "registered households active each week"). Expires two weeks on."""

    @staticmethod
    def key(address_id: str, week: str) -> tuple[str, str]:
        return f"ADDRESS#{address_id}#ACTIVE", week


class FirstAnswerItem(Entity):
    """pk `ANSWERED#<kind>#<id>`, sk `ANSWERED`: the help request had its first answer from a neighbour."""

    answered_at = UTCDateTimeAttribute()

    @staticmethod
    def key(kind: str, content_id: str) -> tuple[str, str]:
        return f"ANSWERED#{kind}#{content_id}", "ANSWERED"


class WelcomeWindowItem(Entity):
    """pk `USER#<id>`, sk `WELCOME`: a newcomer's first 7 days (`until`); `welcomed_at` once a neighbour wrote."""

    neighbourhood_id = UnicodeAttribute()
    until = UTCDateTimeAttribute()
    welcomed_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "WELCOME"


def active_this_week(session: Any | None, user_id: str, neighbourhood_id: str, address_id: str | None = None) -> None:
    """Count a verified resident active this week, once: called when their session's `active_week` is not this week
    (so at most once per session per week, and no read). One transaction: the week's marker (conditional), the
    counter's ADD and the session's `active_week`, and their household's (`address_id`) marker (conditional) and ADD.
    Another session or a concurrent request counted the resident first: only the session learns the week. Another
    resident of the address counted the household first this week: the same transaction again without it. (Without a
    session: the demo's residents, whose week of life is written for them.)"""
    week = iso_week()
    marker = ActiveWeekItem(*ActiveWeekItem.key(user_id, week), ttl=now() + timedelta(days=14))
    household = HouseholdActiveWeekItem(*HouseholdActiveWeekItem.key(address_id, week), ttl=marker.ttl) \
        if address_id else None
    session_class = type(session)
    attempt = 0
    while True:
        try:
            with transaction() as t:
                t.save(marker, condition=ActiveWeekItem.pk.does_not_exist())
                # one item, one write: the resident's and the household's ADDs together
                count_in_week(t, neighbourhood_id, weekly_active=1,
                              **({"households_active": 1} if household is not None else {}))
                if session is not None:
                    t.update(session, actions=[session_class.active_week.set(week)],
                             condition=session_class.pk.exists())
                if household is not None:  # the second put: position 1 (a transaction sends its puts first)
                    t.save(household, condition=HouseholdActiveWeekItem.pk.does_not_exist())
            break
        except TransactWriteError as error:
            refused = refused_conditions(error)
            if 0 in refused:  # counted already (another session, a concurrent request): the session learns the week
                if session is not None:
                    try:
                        session.update(actions=[session_class.active_week.set(week)],
                                       condition=session_class.pk.exists())
                    except UpdateError:
                        pass  # the session ended meanwhile: nothing to remember
                break
            if household is not None and refused == {1}:
                household = None  # counted this week by another resident of the address: count the resident alone
                continue
            attempt += 1
            if refused or attempt == CONFLICT_ATTEMPTS:  # the session ended; or busy: the next request counts
                logger.warning("weekly activity not counted", user_id=user_id)
                return
            step_back()
            time.sleep(0.01 * attempt * (1 + random.random()))  # a concurrent request's transaction: again
    if session is not None:
        session.active_week = week


def is_newcomer(verified_at: datetime | None) -> bool:
    """Verified within the last 7 days: a neighbour writing to them now may welcome them (else nothing to try)."""
    return verified_at is not None and now() - verified_at <= WELCOME_WINDOW


def welcomed(writer_id: str | None, newcomer_id: str | None, neighbourhood_id: str) -> None:
    """After a neighbour's comment on a newcomer's content or message to them: the newcomer counts as welcomed, once,
    if within their 7 days. One conditional transaction; refused (no window, closed, already welcomed) is the usual
    case and costs nothing more."""
    if not writer_id or not newcomer_id or writer_id == newcomer_id:
        return
    stamp = now()
    window = WelcomeWindowItem(*WelcomeWindowItem.key(newcomer_id))
    try:
        with transaction() as t:
            t.update(window, actions=[WelcomeWindowItem.welcomed_at.set(stamp)],
                     condition=WelcomeWindowItem.pk.exists() & WelcomeWindowItem.welcomed_at.does_not_exist()
                     & (WelcomeWindowItem.until >= stamp))
            count_in_week(t, neighbourhood_id, newcomers_welcomed=1)  # the newcomer's neighbourhood
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise


def first_answer(t: Any, kind: str, content_id: str, asked_at: datetime) -> dict[str, int]:
    """In a comment's transaction: the help request's first answer (a conditional update creating its marker, the
    caller retrying without it when refused: answered before). Answers the counters to ADD with the comment's:
    answered, and the bucket of its delay."""
    stamp = now()
    t.update(FirstAnswerItem(*FirstAnswerItem.key(kind, content_id)),
             actions=[FirstAnswerItem.answered_at.set(stamp), FirstAnswerItem.ttl.set(stamp + ANSWER_MARKER_KEPT)],
             condition=FirstAnswerItem.pk.does_not_exist())
    hours = (stamp - asked_at).total_seconds() / 3600
    return {"help_requests_answered": 1, first_answer_bucket(hours): 1}


def resident_verified(t: Any, user_id: str, neighbourhood_id: str, verified_at: datetime) -> None:
    """In the verification's transaction, after its own writes (updates only, so the positions of the caller's
    refused conditions stay): one verified resident more this week, and the newcomer's 7 days to be welcomed."""
    count_in_week(t, neighbourhood_id, verified_at, verified_gained=1)
    until = verified_at + WELCOME_WINDOW
    t.update(WelcomeWindowItem(*WelcomeWindowItem.key(user_id)),
             actions=[WelcomeWindowItem.neighbourhood_id.set(neighbourhood_id), WelcomeWindowItem.until.set(until),
                      WelcomeWindowItem.welcomed_at.remove(), WelcomeWindowItem.ttl.set(until + timedelta(days=1))])


def resident_left(t: Any, neighbourhood_id: str) -> None:
    """In the transaction of a verified resident leaving the neighbourhood (moving, claiming elsewhere, erased)."""
    count_in_week(t, neighbourhood_id, verified_lost=1)
