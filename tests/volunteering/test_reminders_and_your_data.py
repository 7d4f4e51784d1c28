"""The volunteers' reminder the day before their shift (the hourly job: once, at the shift's current start, per the
`volunteering` choice), and volunteering's part of "your data" (export, erasure)."""

import pytest

from chalicelib.volunteering import your_data
from chalicelib.volunteering.ledger import SignUpLedgerItem
from chalicelib.volunteering.models import CallItem, ShiftItem
from chalicelib.notifications.volunteer_reminders import remind_volunteers
from tests.announcements.world import ANNA, BEN, N1, build_commune, resident
from tests.helpers import JSON, body
from tests.notifications.factories import mails_to, make_resident
from tests.volunteering.test_calls import local, published, shift, sign_up, soon


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def test_volunteers_are_reminded_once_the_day_before_at_the_shifts_current_start(client, act_as, outbox):
    make_resident("U-BEN", nbh=N1, email_address="ben.volunteer@example.lu")
    make_resident("U-QUIET", nbh=N1, email_address="quiet@example.lu", notifications={"volunteering": False})
    call = published(client, act_as, shifts=[shift("Shopping", 30, 2, 3)])
    for who in (BEN, resident("U-QUIET")):
        act_as(who)
        assert sign_up(client, call["id"], "01").status_code == 201
    assert remind_volunteers(soon(1)) == 0  # 30 hours ahead: not yet
    assert remind_volunteers(soon(7)) == 1  # its eve: Ben only (the other turned volunteering emails off)
    assert remind_volunteers(soon(8)) == 0  # once
    mails = mails_to(outbox, "ben.volunteer@example.lu")
    assert [m["Subject"] for m in mails] == ["Tomorrow you volunteer: Flea market volunteers"]
    assert "Shopping" in mails[0].get_body(("plain",)).get_content()
    assert mails_to(outbox, "quiet@example.lu") == []
    # Moved to the day after: reminded again before its new start, never at the old one
    act_as(ANNA)
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/move", headers=JSON,
                       body=body({"start": local(soon(54)), "end": local(soon(56))})).status_code == 200
    assert remind_volunteers(soon(9)) == 0
    assert remind_volunteers(soon(31)) == 1
    assert [m["Subject"] for m in mails_to(outbox, "ben.volunteer@example.lu")][-1] == "Tomorrow you volunteer: Flea market volunteers"
    # A cancelled shift is not reminded
    other = published(client, act_as, shifts=[shift("Walk", 20, 1, 1)])
    act_as(BEN)
    sign_up(client, other["id"], "01")
    act_as(ANNA)
    client.post(f"/api/v1/volunteering/{other['id']}/shifts/01/cancel")
    count = len(mails_to(outbox, "ben.volunteer@example.lu"))
    assert remind_volunteers(soon(2)) == 0 and len(mails_to(outbox, "ben.volunteer@example.lu")) == count


def test_your_data_exports_calls_and_sign_ups_and_erasure_frees_the_places(client, act_as):
    call = published(client, act_as, shifts=[shift("Stall", 3, 2, 2)])
    act_as(BEN)
    assert sign_up(client, call["id"], "01").status_code == 201
    exported = your_data.export_volunteering("U-ANNA")
    assert [c["title"] for c in exported["calls"]] == ["Flea market volunteers"] and exported["sign_ups"] == []
    mine = your_data.export_volunteering("U-BEN")
    assert [(s["call_id"], s["role"]) for s in mine["sign_ups"]] == [(call["id"], "Stall")]
    assert SignUpLedgerItem.get(*SignUpLedgerItem.key("U-BEN"), consistent_read=True).spans
    your_data.erase_volunteering("U-BEN", "remove")
    assert ShiftItem.get(*ShiftItem.key(call["id"], "01"), consistent_read=True).people is None
    with pytest.raises(SignUpLedgerItem.DoesNotExist):  # the ledger went too
        SignUpLedgerItem.get(*SignUpLedgerItem.key("U-BEN"), consistent_read=True)
    assert your_data.export_volunteering("U-BEN")["sign_ups"] == []
    # Anonymised: the call stays without its organiser; removed: gone with its shifts and list entries
    your_data.erase_volunteering("U-ANNA", "anonymise")
    kept = CallItem.get(*CallItem.key(call["id"]), consistent_read=True)
    assert (kept.author_id, kept.organisers) == (None, [])
    second = published(client, act_as, title="Shopping round", shifts=[shift("Shopping", 3, 2, 2)])
    your_data.erase_volunteering("U-ANNA", "remove")
    act_as(BEN)
    assert client.get(f"/api/v1/volunteering/{second['id']}").status_code == 404
    assert [c["id"] for c in client.get(f"/api/v1/neighbourhoods/{N1}/volunteering").json_body["calls"]] == [call["id"]]
