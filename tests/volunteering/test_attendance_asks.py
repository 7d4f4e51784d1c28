"""Once a shift is over, its organisers are asked by email to confirm who came (the hourly job: once per shift and
organiser, even when two runs meet; per their `volunteering` choice; a publisher's call: its contact address). A
shift cancelled, all confirmed or with nobody signed up asks nothing."""

import threading
from email.parser import BytesParser
from email.policy import default

import pytest

from chalicelib.adapters import clock
from chalicelib.notifications.volunteer_reminders import ask_organisers, index_ended_shifts, remind_volunteers
from chalicelib.publishers.models import PublisherItem
from chalicelib.volunteering.models import CallItem, ShiftItem
from ops.cli import main as noper
from tests.announcements.world import ANNA, BEN, LAU2, N1, build_commune, link, publisher, resident
from tests.helpers import JSON, body
from tests.notifications.factories import make_resident
from tests.unit.test_mail_headers import SITE, check_list_email, check_subject, header_lines, https_site, sent_raw  # noqa: F401
from tests.volunteering.test_calls import published, shift, sign_up, soon

SUBJECT = "Who came? Flea market volunteers"


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def signed_up(client, act_as, call_id, *people, shift_id="01"):
    for who in people:
        act_as(who)
        assert sign_up(client, call_id, shift_id).status_code == 201


def index_of(call_id, shift_id="01"):
    item = ShiftItem.get(*ShiftItem.key(call_id, shift_id), consistent_read=True)
    return item.gsi1pk, item.gsi1sk


def test_each_organiser_is_asked_once_when_a_shift_with_two_volunteers_ends(client, act_as, https_site, sent_raw):
    # Given Anna's call with a co-organiser, Ben and Carl signed up for a shift in 2 hours
    make_resident("U-ANNA", nbh=N1, email_address="anna.asked@example.lu")
    make_resident("U-DORA", nbh=N1, email_address="dora.asked@example.lu", languages=("de",))
    make_resident("U-CARL", nbh=N1)
    call = published(client, act_as, shifts=[shift("Stall", 2, 2, 3), shift("Clean-up", 30, 1, 2)])
    CallItem(*CallItem.key(call["id"])).update(actions=[CallItem.organisers.set(["U-ANNA", "U-DORA"])])
    signed_up(client, act_as, call["id"], BEN, resident("U-CARL"))
    # When its reminder went, it waits on the ended shifts' index until its end
    remind_volunteers(soon(0))
    assert index_of(call["id"])[0] == ShiftItem.ENDED
    assert index_of(call["id"], "02")[0] == ShiftItem.REMINDERS
    assert ask_organisers(soon(3)) == 0
    sent_before = len(sent_raw())
    # Then over: one email to each organiser, in their language; the job run again sends nothing more
    assert ask_organisers(soon(4.5)) == 2
    assert ask_organisers(soon(4.5)) == 0 and ask_organisers(soon(6)) == 0
    assert index_of(call["id"]) == (None, None)
    raws = sent_raw()[sent_before:]
    assert len(raws) == 2
    messages = {BytesParser(policy=default).parsebytes(raw)["To"]: (raw, BytesParser(policy=default).parsebytes(raw))
                for raw in raws}
    raw, english = messages["anna.asked@example.lu"]
    check_list_email(raw, "volunteering")  # List-Unsubscribe unencoded, one-click, List-Id
    check_subject(raw, SUBJECT)
    assert english["Subject"] == SUBJECT and english["Content-Language"] == "en"
    text = english.get_body(("plain",)).get_content()
    assert "The shift Stall of Flea market volunteers" in text
    assert "2 people had signed up, and 2 are still waiting for you to confirm whether they came" in text
    assert f"Confirm who came: {SITE}/volunteering/{call['id']}" in text
    assert "you organise this call for volunteers" in text and f"{SITE}/me#notifications" in text
    assert f'href="{SITE}/volunteering/{call["id"]}"' in english.get_body(("html",)).get_content()
    raw, german = messages["dora.asked@example.lu"]
    check_list_email(raw, "volunteering")
    check_subject(raw, german["Subject"])
    assert german["Subject"] == "Wer ist gekommen? Flea market volunteers"


def test_two_runs_at_once_send_one_ask(client, act_as, outbox):
    make_resident("U-ANNA", nbh=N1, email_address="anna.twice@example.lu")
    make_resident("U-CARL", nbh=N1)
    call = published(client, act_as, shifts=[shift("Stall", 2, 1, 2)])
    signed_up(client, act_as, call["id"], BEN, resident("U-CARL"))
    remind_volunteers(soon(0))
    counts, start = [], threading.Barrier(4)

    def run():
        start.wait()
        counts.append(ask_organisers(soon(3.5)))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 1
    assert len(list(outbox.glob("*-anna.twice@example.lu.eml"))) == 1


def test_all_confirmed_cancelled_or_nobody_asks_nothing(client, act_as, outbox):
    make_resident("U-ANNA", nbh=N1, email_address="anna.quiet@example.lu")
    call = published(client, act_as, shifts=[shift("Confirmed", 2, 1, 2), shift("Cancelled", 3, 1, 2),
                                             shift("Nobody", 4, 1, 2)])
    for shift_id in ("01", "02"):
        signed_up(client, act_as, call["id"], BEN, shift_id=shift_id)
    act_as(ANNA)
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/02/cancel").status_code == 200
    remind_volunteers(soon(0))
    assert index_of(call["id"], "02") == (None, None)  # cancelled: on no index
    with clock.still_at(soon(3.5)):  # the organiser confirmed before the job came round
        confirmed = client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/attendance", headers=JSON,
                                body=body({"people": [{"user_id": "U-BEN", "came": True, "hours": 1}]}))
        assert confirmed.status_code == 200, confirmed.body
    assert ask_organisers(soon(6)) == 0
    assert [index_of(call["id"], s) for s in ("01", "02", "03")] == [(None, None)] * 3
    assert list(outbox.glob("*-anna.quiet@example.lu.eml")) == []


def test_an_organiser_who_turned_volunteering_emails_off_is_not_asked(client, act_as, outbox):
    make_resident("U-ANNA", nbh=N1, email_address="anna.off@example.lu", notifications={"volunteering": False})
    call = published(client, act_as, shifts=[shift("Stall", 2, 1, 2)])
    signed_up(client, act_as, call["id"], BEN)
    remind_volunteers(soon(0))
    assert ask_organisers(soon(3.5)) == 0
    assert index_of(call["id"]) == (None, None)
    assert list(outbox.glob("*-anna.off@example.lu.eml")) == []


def test_a_publishers_call_asks_its_contact_in_the_communes_language_without_list_headers(
        client, act_as, https_site, sent_raw, monkeypatch):
    from chalicelib import policy
    from tests.volunteering.test_publishing import publish

    reader = policy.principal_for
    with_contact = publisher()
    PublisherItem(*PublisherItem.key(LAU2, with_contact)).update(
        actions=[PublisherItem.contact.set("Marie Weber, marie.weber@asbl.lu, 621 123 456")])
    no_email = publisher(name="Service des sports")
    PublisherItem(*PublisherItem.key(LAU2, no_email)).update(actions=[PublisherItem.contact.set("Tel. 92 00 00")])
    calls = [publish(client, link(p)).json_body for p in (with_contact, no_email)]
    make_resident("U-ANNA", nbh=N1)
    for call, who in zip(calls, (ANNA, BEN)):
        signed_up(client, act_as, call["id"], who)
    monkeypatch.setattr(policy, "principal_for", reader)
    remind_volunteers(soon(0))
    before = len(sent_raw())
    assert ask_organisers(soon(4.5)) == 1  # the contact with an address; the other has none: skipped
    assert ask_organisers(soon(4.5)) == 0
    [raw] = sent_raw()[before:]
    message = BytesParser(policy=default).parsebytes(raw)
    assert message["To"] == "marie.weber@asbl.lu" and message["Content-Language"] == "lb"  # Clervaux: lb, fr, de
    assert message["Subject"] == "Wien ass komm? Flea market: the association needs you"
    check_subject(raw, message["Subject"])
    assert not {"list-unsubscribe", "list-unsubscribe-post", "list-id"} & set(header_lines(raw))
    text = message.get_body(("plain",)).get_content()
    assert "/publish" in text and "/volunteering/" not in text and "/me#notifications" not in text
    assert [index_of(call["id"]) for call in calls] == [(None, None)] * 2


def test_the_upgrade_indexes_shifts_reminded_before_it(client, act_as, outbox):
    make_resident("U-ANNA", nbh=N1, email_address="anna.upgrade@example.lu")
    call = published(client, act_as, shifts=[shift("Stall", 2, 1, 2), shift("Old", 3, 1, 2)])
    signed_up(client, act_as, call["id"], BEN)
    # As the reminder left them before this change: off every index
    for shift_id in ("01", "02"):
        ShiftItem(*ShiftItem.key(call["id"], shift_id)).update(
            actions=[ShiftItem.gsi1pk.remove(), ShiftItem.gsi1sk.remove(), ShiftItem.reminded.set(True)])
    ShiftItem(*ShiftItem.key(call["id"], "02")).update(actions=[ShiftItem.status.set("cancelled")])
    assert index_ended_shifts() == 1 and index_ended_shifts() == 0  # the cancelled one stays off
    assert noper(["index-ended-shifts", "--days", "3"]) == 0  # the operator's command: nothing more to index
    assert ask_organisers(soon(3.5)) == 1
    assert len(list(outbox.glob("*-anna.upgrade@example.lu.eml"))) == 1


def test_a_failed_send_is_tried_again_by_the_next_run(client, act_as, outbox, monkeypatch):
    from chalicelib.adapters import mail

    make_resident("U-ANNA", nbh=N1, email_address="anna.retry@example.lu")
    call = published(client, act_as, shifts=[shift("Stall", 2, 1, 2)])
    signed_up(client, act_as, call["id"], BEN)
    remind_volunteers(soon(0))
    real_send = mail.send

    def refused(message):
        raise RuntimeError("SES is down")

    monkeypatch.setattr(mail, "send", refused)
    assert ask_organisers(soon(3.5)) == 0
    assert index_of(call["id"])[0] == ShiftItem.ENDED  # still waiting to be asked
    monkeypatch.setattr(mail, "send", real_send)
    assert ask_organisers(soon(4.5)) == 1 and ask_organisers(soon(5)) == 0
    assert len(list(outbox.glob("*-anna.retry@example.lu.eml"))) == 1


def test_noper_reminders_runs_the_hourly_job_that_asks_the_organiser(client, act_as, outbox, capsys):
    make_resident("U-ANNA", nbh=N1, email_address="anna.cli@example.lu")
    call = published(client, act_as, shifts=[shift("Stall", 2, 1, 2)])
    signed_up(client, act_as, call["id"], BEN)
    with clock.still_at(soon(3.5)):  # the shift is over: the operator's run sends what the scheduled one would
        assert noper(["reminders"]) == 0
        assert noper(["reminders"]) == 0
    assert "hourly reminders run" in capsys.readouterr().out
    assert len(list(outbox.glob("*-anna.cli@example.lu.eml"))) == 1
