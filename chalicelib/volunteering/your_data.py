"""Volunteering's part of "your data": export the calls a resident organises and their sign-ups; on erasure take
their sign-ups off (the places free up; confirmed ones leave only the week's counts, which are never content) and
remove their calls ("remove": with shifts, sign-ups, copies, comments and reports) or keep them without them
("anonymise": no author, no organiser)."""

from __future__ import annotations

from typing import Any

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.comments.service import remove_all
from chalicelib.content import kinds
from chalicelib.moderation.service import forget_reports
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import step_back, transaction
from chalicelib.volunteering import ledger, service
from chalicelib.volunteering.models import CallEntryItem, CallItem, ShiftItem, SignUpItem
from chalicelib.volunteering.signups import count_taken


def _signups(user_id: str) -> list[SignUpItem]:
    return list(SignUpItem.by_user.query(SignUpItem.user_key(user_id)))


def _calls(user_id: str) -> list[CallItem]:
    return list(CallItem.by_owner.query(CallItem.author_key(user_id)))


def export_volunteering(user_id: str) -> dict[str, Any]:
    me = Principal(user_id=user_id)
    calls = []
    for call in _calls(user_id):
        _, shifts = service.load(call.call_id)
        calls.append(service.public_call(call, shifts, me).model_dump(mode="json"))
    signups = [{"call_id": s.call_id, "shift_id": s.shift_id, "title": s.title, "role": s.role,
                "start": s.starts_at.isoformat(), "end": s.ends_at.isoformat(), "signed_up_at": s.signed_up_at.isoformat(),
                "attendance": s.attendance if s.attendance == "came" else None,
                "hours": float(s.hours) if s.attendance == "came" and s.hours is not None else None}
               for s in _signups(user_id)]
    return {"calls": calls, "sign_ups": signups}


def erase_volunteering(user_id: str, choice: ContentChoice) -> None:
    for signup in _signups(user_id):
        try:
            with transaction() as t:  # the call's count of sign-ups follows (signups.count_taken)
                t.update(ShiftItem(*ShiftItem.key(signup.call_id, signup.shift_id)),
                         actions=[ShiftItem.people.delete({user_id})], condition=ShiftItem.people.contains(user_id))
                count_taken(t, signup.call_id, -1)
        except Exception:  # noqa: BLE001 — not in the shift any more, or the shift is gone with its call
            step_back()
        signup.delete()
    ledger.forget(user_id)
    for call in _calls(user_id):
        if choice == "remove":
            _remove(call)
        else:
            call.update(actions=[CallItem.author_id.remove(), CallItem.organisers.set([]),
                                 CallItem.gsi1pk.remove(), CallItem.gsi1sk.remove()])
            call.refresh(consistent_read=True)
            service.write_entries(call)
            service.thread_head_of(call).save()
            kinds.changed(service.KIND, call.call_id)


def _remove(call: CallItem) -> None:
    _, shifts = service.load(call.call_id, consistent=True)
    for item in SignUpItem.query(f"VCALL#{call.call_id}", SignUpItem.sk.startswith("SIGNUP#")):
        item.delete()
        ledger.rewrite(item.user_id, ledger.without(call.call_id))
    for shift in shifts:
        shift.delete()
    call.delete()
    call.status = "cancelled"
    service.show_on_event(call)  # off its event's page
    if call.listed_sk:
        for nbh in call.reaches or []:
            CallEntryItem(CallEntryItem.partition(nbh), call.listed_sk).delete()
    comment_ids = remove_all(service.KIND, call.call_id)
    forget_reports([(service.KIND, call.call_id), *(("comment", comment_id) for comment_id in comment_ids)])
    logger.info("volunteer call removed with its organiser's account", call_id=call.call_id)


register_content_owner(ContentOwner(name="volunteering", export=export_volunteering, erase=erase_volunteering))
