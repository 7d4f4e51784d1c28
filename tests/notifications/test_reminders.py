"""Loan reminders (the day before the return date, once when overdue) and the unread-message email."""

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.adapters.clock import now
from chalicelib.lending.models import LoanItem
from chalicelib.notifications import reminders, unread
from chalicelib.store.calls import count_dynamodb_calls
from tests.api.test_posts import resident
from tests.helpers import JSON, body
from tests.notifications.factories import mails_to, make_resident

# 07:00 UTC on a winter Thursday: 08:00 in Luxembourg.
MORNING = datetime(2026, 12, 3, 7, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 3)


def lend(loan_id, end, state="picked_up", start=None, borrower="U-bert", owner="U-olga"):
    LoanItem(*LoanItem.key(loan_id), loan_id=loan_id, item_id=f"I-{loan_id}", item_name="Ladder",
             neighbourhood_id="0501-n1", owner_id=owner, borrower_id=borrower,
             start=(start or end - timedelta(days=3)).isoformat(), end=end.isoformat(), state=state,
             created_at=now(), updated_at=now(), gsi1pk=LoanItem.due_key(end), gsi1sk=f"LOAN#{loan_id}").save()


def test_the_borrower_is_reminded_the_day_before_once(outbox):
    bert = make_resident("U-bert", languages=["fr"])
    make_resident("U-olga")
    lend("L1", TODAY + timedelta(days=1))
    lend("L2", TODAY + timedelta(days=2))  # not yet

    assert reminders.remind_loans(MORNING) == 1
    assert reminders.remind_loans(MORNING) == 0  # a second run (or a retry) sends nothing

    [mail] = mails_to(outbox, bert.email)
    assert mail["Subject"] == "Rappel : Ladder est à rendre demain"
    text = mail.get_body(("plain",)).get_content()
    assert "Olga" in text and "vendredi 4 décembre 2026" in text and "/items/I-L1" in text
    assert mail["List-Unsubscribe"].startswith("<http") and "loan_reminders" in mail["List-Unsubscribe"]


def test_an_overdue_loan_gets_one_reminder_the_day_after(outbox):
    bert = make_resident("U-bert", languages=["en"])
    make_resident("U-olga")
    lend("L1", TODAY - timedelta(days=1))
    lend("L2", TODAY - timedelta(days=1), state="accepted", start=TODAY + timedelta(days=5))  # never began

    assert reminders.remind_loans(MORNING) == 1
    assert reminders.remind_loans(MORNING + timedelta(hours=1)) == 0

    [mail] = mails_to(outbox, bert.email)
    assert mail["Subject"] == "Ladder: the return date has passed"


def test_no_reminder_for_a_borrower_who_said_no_or_a_returned_loan(outbox):
    bert = make_resident("U-bert", notifications={"loan_reminders": False})
    carla = make_resident("U-carla")
    lend("L1", TODAY + timedelta(days=1))
    lend("L2", TODAY + timedelta(days=1), state="returned", borrower="U-carla")

    assert reminders.remind_loans(MORNING) == 0
    assert mails_to(outbox, bert.email) == [] and mails_to(outbox, carla.email) == []


def test_the_daily_run_reads_by_index_never_scans():
    make_resident("U-bert")
    lend("L1", TODAY + timedelta(days=1))

    with count_dynamodb_calls() as calls:
        reminders.remind_loans(MORNING)

    assert "Scan" not in calls and calls["Query"] == 2, dict(calls)


def test_the_loan_view_flags_an_overdue_loan():
    from chalicelib.lending.loans import public_loan, today
    from chalicelib.policy import Principal

    lend("L1", today() - timedelta(days=1))
    lend("L2", today())
    borrower = Principal(user_id="U-bert")

    assert public_loan(LoanItem.get(*LoanItem.key("L1")), borrower).overdue is True
    assert public_loan(LoanItem.get(*LoanItem.key("L2")), borrower).overdue is False


# --- messages waiting unread ---------------------------------------------------------------------

@pytest.fixture
def anna_and_ben():
    return make_resident("U-anna", languages=["lb"]), make_resident("U-ben", languages=["de"])


def write_to_ben(client, act_as, text="Hello neighbour", conversation_id=None):
    act_as(resident("U-anna", nbh="0501-n1"))
    if conversation_id:
        response = client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=JSON,
                               body=body({"text": text}))
    else:
        response = client.post("/api/v1/conversations", headers=JSON, body=body({"with_user_id": "U-ben", "text": text}))
    assert response.status_code == 201, response.body
    return response.json_body.get("conversation_id") or response.json_body["id"]


def ben_reads(client, act_as, conversation_id):
    act_as(resident("U-ben", nbh="0501-n1"))
    assert client.get(f"/api/v1/conversations/{conversation_id}/messages").status_code == 200
    assert client.post(f"/api/v1/conversations/{conversation_id}/read", headers=JSON).status_code == 200


def test_a_message_unread_for_a_day_is_emailed_once(client, act_as, outbox, anna_and_ben):
    anna, ben = anna_and_ben
    conversation = write_to_ben(client, act_as)
    written_at = now()

    assert unread.remind_unread(written_at + timedelta(hours=23)) == 0  # not a day yet
    assert unread.remind_unread(written_at + timedelta(hours=25)) == 1
    assert unread.remind_unread(written_at + timedelta(hours=26)) == 0

    [mail] = mails_to(outbox, ben.email)
    assert mail["Subject"] == "Anna hat Ihnen auf Noper geschrieben"
    text = mail.get_body(("plain",)).get_content()
    assert f"/messages/{conversation}" in text and "Hello neighbour" not in text  # the message stays on Noper
    assert mails_to(outbox, anna.email) == []


def test_more_messages_of_the_same_streak_send_nothing_more(client, act_as, outbox, anna_and_ben):
    _, ben = anna_and_ben
    conversation = write_to_ben(client, act_as)
    start = now()
    assert unread.remind_unread(start + timedelta(hours=25)) == 1
    write_to_ben(client, act_as, "Still there?", conversation)  # Ben still has not read

    assert unread.remind_unread(now() + timedelta(hours=25)) == 0
    assert len(mails_to(outbox, ben.email)) == 1


def test_reading_ends_the_streak_and_a_new_one_is_emailed_again(client, act_as, outbox, anna_and_ben):
    _, ben = anna_and_ben
    conversation = write_to_ben(client, act_as)
    ben_reads(client, act_as, conversation)
    assert unread.remind_unread(now() + timedelta(hours=25)) == 0  # read in time: nothing

    write_to_ben(client, act_as, "And now?", conversation)
    assert unread.remind_unread(now() + timedelta(hours=25)) == 1
    assert len(mails_to(outbox, ben.email)) == 1


def test_no_email_for_a_resident_who_said_no(client, act_as, outbox):
    make_resident("U-anna")
    ben = make_resident("U-ben", notifications={"messages": False})
    write_to_ben(client, act_as)

    assert unread.remind_unread(now() + timedelta(hours=25)) == 0
    assert mails_to(outbox, ben.email) == []


def test_the_hourly_job_queries_hour_buckets_never_scans(client, act_as, anna_and_ben):
    write_to_ben(client, act_as)

    with count_dynamodb_calls() as calls:
        unread.remind_unread(now() + timedelta(hours=25))

    assert "Scan" not in calls and calls["Query"] == unread.CATCH_UP_HOURS, dict(calls)
