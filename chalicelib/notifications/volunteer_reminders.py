"""The volunteers' reminder the day before their shift, and the organisers' ask to confirm who came once it is over,
both run by the hourly job that sends events' reminders (app.py `event_reminders_schedule`).

Each run: one Query of the shifts whose reminder has not gone, starting within the coming 24 hours
(`gsi1pk=VSHIFTS`, gsi1sk up to now + 24 h: a moved shift's index key follows its new start, so the reminder
reads the shift's current start); for each, its sign-ups (one Query), one email each per their `volunteering` choice
(markers `VSHIFTREMINDER#<call>#<shift>#<start>#<user>`: a retried run never sends twice, a shift moved after its
reminder gets one for its new start), then the shift moves on to the ended shifts' index (`VSHIFTS#ENDED`, at its
end). A shift already started goes there unreminded; a cancelled one left both indexes when cancelled.

Then `ask_organisers`: one Query of the shifts ended by now (`gsi1pk=VSHIFTS#ENDED`); per call, one Query of its
partition (the call, its shifts as they are now, their sign-ups) for those whose shift had someone signed up;
one BatchGetItem of the recipients (the organisers' profiles; for a publisher's call its publisher and commune). A
shift with a volunteer whose attendance is not confirmed: one email to each organiser (`volunteering` choice; marker
`VSHIFTENDED#<call>#<shift>#<user>`), or to the publisher's contact address when it has one (in the commune's
language; marker `VSHIFTENDED#<call>#<shift>#PUBLISHER`): exactly once, even when two runs meet. Then the shift
leaves the index (on condition it is still where it was read).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.accounts.models import UserItem
from chalicelib.adapters.clock import now
from chalicelib.communes.models import CommuneItem
from chalicelib.i18n import choose
from chalicelib.notifications import emails
from chalicelib.notifications.settings import wants_for
from chalicelib.observability import logger
from chalicelib.publishers.models import PublisherItem
from chalicelib.store.table import condition_failed, query_all, read_items
from chalicelib.volunteering.models import CallItem, ShiftItem, SignUpItem
from chalicelib.web.site import site

BEFORE = timedelta(hours=24)
TOPIC = "volunteering"
# A failed ask is tried again each hour for so long after the shift's end (an address SES refuses for good would
# keep it on the index for ever); the upgrade step indexes the shifts ended since as well (index_ended_shifts).
ASKED_WITHIN = timedelta(days=14)
# An address in a publisher's contact ("Marie Weber, marie@asbl.lu, 621 123 456"): ASCII, as a To header wants it.
CONTACT_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def remind_volunteers(moment: datetime | None = None) -> int:
    """Returns how many emails this run sent."""
    moment = moment or now()
    due = list(ShiftItem.by_start.query(ShiftItem.REMINDERS, ShiftItem.gsi1sk <= f"{_stamp(moment + BEFORE)}~"))
    sent = 0
    for shift in due:
        try:
            sent += _one(shift, moment)
        except Exception:  # noqa: BLE001 — one shift's failure leaves it for the next run
            logger.exception("volunteer reminder failed", call_id=shift.call_id, shift_id=shift.shift_id)
    logger.info("volunteer reminders", due=len(due), sent=sent)
    return sent


def _one(shift: ShiftItem, moment: datetime) -> int:
    if shift.status != "scheduled":
        _close(shift, reminded=False, ended=False)
        return 0
    if shift.starts_at <= moment:
        _close(shift, reminded=False)
        return 0
    try:
        call = CallItem.get(*CallItem.key(shift.call_id))
    except DoesNotExist:
        _close(shift, reminded=False, ended=False)
        return 0
    stamp = _stamp(shift.starts_at)
    sent = 0
    for signup in SignUpItem.query(f"VCALL#{shift.call_id}", SignUpItem.sk.startswith(f"SIGNUP#{shift.shift_id}#"),
                                   consistent_read=True):
        sent += int(emails.email_resident(
            signup.user_id, TOPIC, f"VSHIFTREMINDER#{shift.call_id}#{shift.shift_id}#{stamp}#{signup.user_id}",
            "volunteer_reminder",
            lambda: {"title": call.title, "role": shift.role, "start": shift.starts_at, "place": call.place or "",
                     "open_url": f"{site()}/volunteering/{shift.call_id}"}))
    _close(shift, reminded=True)
    return sent


def _close(shift: ShiftItem, reminded: bool, ended: bool = True) -> None:
    """Off the reminders' index, on the condition that the shift was not moved meanwhile (a move puts it back at its
    new start); onto the ended shifts' index (`ended`), where its organisers are asked to confirm who came."""
    condition = ShiftItem.starts_at == shift.starts_at
    if ended:  # a shift cancelled meanwhile left every index: it stays off
        actions = [ShiftItem.gsi1pk.set(ShiftItem.ENDED),
                   ShiftItem.gsi1sk.set(ShiftItem.ended_key(shift.ends_at, shift.call_id, shift.shift_id))]
        condition &= ShiftItem.status == "scheduled"
    else:
        actions = [ShiftItem.gsi1pk.remove(), ShiftItem.gsi1sk.remove()]
    if reminded:
        actions.append(ShiftItem.reminded.set(True))
    try:
        shift.update(actions=actions, condition=condition)
    except UpdateError as error:
        if not condition_failed(error):
            raise


# --- once it is over: its organisers confirm who came -----------------------------------------------------------

def ask_organisers(moment: datetime | None = None) -> int:
    """Ask the organisers of each shift ended by `moment` whose volunteers wait on them to confirm who came. Returns
    how many emails this run sent."""
    moment = moment or now()
    ended = list(ShiftItem.by_start.query(ShiftItem.ENDED, ShiftItem.gsi1sk <= f"{_stamp(moment)}~"))
    by_call: dict[str, list[ShiftItem]] = {}
    for shift in ended:
        if shift.status == "scheduled" and shift.people:
            by_call.setdefault(shift.call_id, []).append(shift)
        else:
            _leave(shift)  # nobody signed up to wait on anyone (or it was cancelled meanwhile)
    partitions = {}
    for call_id in by_call:  # one Query a call
        try:
            partitions[call_id] = _partition(call_id)
        except Exception:  # noqa: BLE001 — its shifts wait for the next run
            logger.exception("attendance ask failed", call_id=call_id)
    recipients = _recipients([call for call, _, _ in partitions.values() if call is not None])
    sent = 0
    for call_id, (call, fresh, signups) in partitions.items():
        for shift in by_call[call_id]:
            try:
                sent += _ask(call, fresh.get(shift.shift_id), signups.get(shift.shift_id, []), recipients)
            except Exception:  # noqa: BLE001 — one shift's failure leaves it for the next run (markers: none twice)
                logger.exception("attendance ask failed", call_id=call_id, shift_id=shift.shift_id)
                if shift.ends_at > moment - ASKED_WITHIN:
                    continue
            _leave(shift)
    logger.info("attendance asks", ended=len(ended), sent=sent)
    return sent


def _partition(call_id: str) -> tuple[CallItem | None, dict[str, ShiftItem], dict[str, list[SignUpItem]]]:
    call, shifts, signups = None, {}, {}  # type: ignore[var-annotated]
    for raw in query_all(f"VCALL#{call_id}", consistent=True):
        sk = raw["sk"]["S"]
        if sk == "CALL":
            call = CallItem.from_raw_data(raw)
        elif sk.startswith("SHIFT#"):
            shift = ShiftItem.from_raw_data(raw)
            shifts[shift.shift_id] = shift
        elif sk.startswith("SIGNUP#"):
            signup = SignUpItem.from_raw_data(raw)
            signups.setdefault(signup.shift_id, []).append(signup)
    return call, shifts, signups


def _recipients(calls: list[CallItem]) -> dict[tuple[str, str], dict[str, Any]]:
    """The organisers' profiles; a publisher's call: its publisher and its commune (the language). One BatchGetItem
    round (100 keys each)."""
    keys: list[tuple[str, str]] = []
    for call in calls:
        if call.publisher_id:
            keys += [PublisherItem.key(call.lau2, call.publisher_id), CommuneItem.key(call.lau2)]
        else:
            keys += [UserItem.key(user_id) for user_id in call.organisers or []]
    return read_items(keys)


def _ask(call: CallItem | None, shift: ShiftItem | None, signups: list[SignUpItem],
         found: dict[tuple[str, str], dict[str, Any]]) -> int:
    if call is None or shift is None or shift.status != "scheduled" or call.status == "cancelled":
        return 0
    waiting = [s for s in signups if s.attendance is None and not s.cancelled]
    if not waiting:
        return 0  # all confirmed already, or nobody signed up any more
    context = {"title": call.title, "role": shift.role, "start": shift.starts_at, "signed": len(signups),
               "waiting": len(waiting)}
    marker = f"VSHIFTENDED#{call.call_id}#{shift.shift_id}"
    if call.publisher_id:
        return int(_ask_publisher(call, context, marker, found))
    sent = 0
    for user_id in call.organisers or []:
        raw = found.get(UserItem.key(user_id))
        if raw is None:
            continue  # the account was erased
        user = UserItem.from_raw_data(raw)
        if not wants_for(user, TOPIC):
            continue
        message = emails.render("volunteer_attendance", emails.language_of(user),
                                {**context, "publisher": False, "open_url": f"{site()}/volunteering/{call.call_id}",
                                 "why_key": "notifications.email.why.volunteering_organiser"},
                                user_id=user.user_id, topic=TOPIC, to=user.email)
        sent += int(emails.send_once(f"{marker}#{user_id}", message))
    return sent


def _ask_publisher(call: CallItem, context: dict[str, Any], marker: str,
                   found: dict[tuple[str, str], dict[str, Any]]) -> bool:
    """A service's or partner's call: its contact, when it is an email address. It has no account, so no choice
    and nothing to unsubscribe from; its publisher link (never stored) is where it confirms who came."""
    raw = found.get(PublisherItem.key(call.lau2, call.publisher_id))  # type: ignore[arg-type]
    address = CONTACT_EMAIL.search(PublisherItem.from_raw_data(raw).contact or "") if raw else None
    if address is None:
        return False
    commune = found.get(CommuneItem.key(call.lau2))
    language = choose(*(CommuneItem.from_raw_data(commune).languages or [] if commune else []))
    message = emails.render("volunteer_attendance", language,
                            {**context, "publisher": True, "open_url": "",
                             "why_key": "notifications.email.why.volunteering_publisher"},
                            user_id="", topic=None, to=address.group(0), account=False)
    return emails.send_once(f"{marker}#PUBLISHER", message)


def _leave(shift: ShiftItem) -> None:
    """Off the ended shifts' index, on the condition that it is still there as read (a second run took it off)."""
    try:
        shift.update(actions=[ShiftItem.gsi1pk.remove(), ShiftItem.gsi1sk.remove()],
                     condition=(ShiftItem.gsi1pk == ShiftItem.ENDED) & (ShiftItem.gsi1sk == shift.gsi1sk))
    except UpdateError as error:
        if not condition_failed(error):
            raise


def index_ended_shifts(days: int = ASKED_WITHIN.days) -> int:
    """Upgrade step (`./noper index-ended-shifts`): the shifts reminded before the ended shifts' index existed, still
    to end or ended within `days`, join it, so their organisers are asked too. An operator's one-off: a Scan of the
    shifts; idempotent (a shift already on an index is left alone; the markers never send an ask twice). Answers how
    many shifts it indexed."""
    since = now() - timedelta(days=days)
    indexed = 0
    for shift in ShiftItem.scan(ShiftItem.pk.startswith("VCALL#") & ShiftItem.sk.startswith("SHIFT#")
                                & ShiftItem.gsi1pk.does_not_exist() & (ShiftItem.status == "scheduled")
                                & (ShiftItem.ends_at >= since)):
        try:
            shift.update(actions=[ShiftItem.gsi1pk.set(ShiftItem.ENDED),
                                  ShiftItem.gsi1sk.set(ShiftItem.ended_key(shift.ends_at, shift.call_id,
                                                                           shift.shift_id))],
                         condition=ShiftItem.gsi1pk.does_not_exist() & (ShiftItem.status == "scheduled"))
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        indexed += 1
    return indexed
