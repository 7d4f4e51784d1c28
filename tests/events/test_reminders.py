"""An organiser's reminder to those going (issue #11, point 5): asked once per occurrence (a conditional write,
also under simultaneous asks), sent by the hourly job the day before at the occurrence's start as it is then —
a moved occurrence is not announced at its old time, a cancelled one not at all. On DynamoDB Local, emails from
the outbox."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.adapters import clock
from chalicelib.errors import Conflict
from chalicelib.events import reminders
from chalicelib.events.recurrence import ZONE, to_local
from chalicelib.events.reminders import EventReminderItem, ReminderRequest
from chalicelib.notifications.event_reminders import remind_events
from tests.announcements.world import ANNA, BEN, build_commune
from tests.helpers import JSON, body, error_of
from tests.notifications.factories import mails_to


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def local(moment) -> str:
    return to_local(moment, ZONE).strftime("%Y-%m-%dT%H:%M")


def in_days(days: int, hour: int):
    """A wall-clock time `days` from now at `hour`, Luxembourg time, as an aware instant."""
    day = to_local(clock.now(), ZONE) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def organised_with_ben_going(client, act_as, title, start):
    act_as(ANNA)
    made = client.post(f"/api/v1/neighbourhoods/{ANNA.neighbourhood_id}/events", headers=JSON, body=body(
        {"title": title, "category": "repair_cafe", "start": local(start), "end": local(start + timedelta(hours=2)),
         "place": "Kiosk"}))
    assert made.status_code == 201, made.body
    event = made.json_body
    act_as(BEN)
    going = client.put(f"/api/v1/events/{event['id']}/occurrences/{event['occurrence_id']}/answer", headers=JSON,
                       body=body({"answer": "going"}))
    assert going.status_code == 200, going.body
    return event


def ask(client, act_as, event, who=ANNA, note="Bring your broken toaster"):
    act_as(who)
    return client.post(f"/api/v1/events/{event['id']}/occurrences/{event['occurrence_id']}/reminder", headers=JSON,
                       body=body({"note": note}))


def told(outbox, title):
    """Ben's reminders about this event (not the email telling him it was cancelled: a list email, `events`)."""
    return [m for m in mails_to(outbox, "ben@example.lu") if title in m["Subject"] and m["List-Id"] is None]


def test_the_organiser_reminds_those_going_once_the_day_before(client, act_as, outbox):
    start = in_days(3, 18)
    event = organised_with_ben_going(client, act_as, "Repair café", start)
    assert ask(client, act_as, event, who=BEN).status_code == 403  # not an organiser
    asked = ask(client, act_as, event)
    assert asked.status_code == 201, asked.body
    assert asked.json_body["status"] == "waiting"
    assert asked.json_body["due"] == (start - timedelta(hours=24)).isoformat()
    again = ask(client, act_as, event)
    assert again.status_code == 409 and error_of(again)["fields"] == {"occurrence_id": "reminder asked already"}

    assert remind_events(clock.now()) == 0  # not its eve yet
    assert told(outbox, "Repair café") == []
    assert remind_events(start - timedelta(hours=23)) == 1
    mail = told(outbox, "Repair café")
    assert len(mail) == 1 and mail[0]["Subject"] == "Amanhã: Repair café"  # Ben reads Portuguese
    text = mail[0].get_body(("plain",)).get_content()
    assert "Bring your broken toaster" in text and "Kiosk" in text and "18:00" in text
    assert [m for m in mails_to(outbox, "anna@example.lu") if "Repair café" in m["Subject"]] == []  # not going
    assert remind_events(start - timedelta(hours=22)) == 0  # sent: once
    stored = EventReminderItem.get(*EventReminderItem.key(event["id"], event["occurrence_id"]))
    assert stored.status == "sent" and stored.gsi1pk is None


def test_a_moved_occurrence_is_reminded_at_its_new_time_and_a_cancelled_one_never(client, act_as, outbox):
    start = in_days(3, 18)
    moved = organised_with_ben_going(client, act_as, "Moved walk", start)
    assert ask(client, act_as, moved).status_code == 201
    later = in_days(5, 20)
    act_as(ANNA)
    response = client.post(f"/api/v1/events/{moved['id']}/occurrences/{moved['occurrence_id']}/move", headers=JSON,
                           body=body({"start": local(later), "end": local(later + timedelta(hours=1))}))
    assert response.status_code == 200, response.body
    dropped = organised_with_ben_going(client, act_as, "Called off", in_days(3, 10))
    assert ask(client, act_as, dropped).status_code == 201
    act_as(ANNA)
    assert client.post(f"/api/v1/events/{dropped['id']}/occurrences/{dropped['occurrence_id']}/cancel").status_code == 200

    # The old eve: nothing announced; the reminder waits for the new one
    assert remind_events(start - timedelta(hours=23)) == 0
    assert told(outbox, "Moved walk") == [] and told(outbox, "Called off") == []
    waiting = EventReminderItem.get(*EventReminderItem.key(moved["id"], moved["occurrence_id"]))
    assert waiting.status == "waiting" and waiting.due == later - timedelta(hours=24)
    assert EventReminderItem.get(*EventReminderItem.key(dropped["id"], dropped["occurrence_id"])).status == "dropped"

    assert remind_events(later - timedelta(hours=23)) == 1
    text = told(outbox, "Moved walk")[0].get_body(("plain",)).get_content()
    assert "20:00" in text and "18:00" not in text


def test_simultaneous_asks_make_one_reminder(client, act_as):
    event = organised_with_ben_going(client, act_as, "Busy café", in_days(4, 18))

    def one(_):
        try:
            reminders.ask_reminder(ANNA, event["id"], event["occurrence_id"], ReminderRequest())
            return "asked"
        except Conflict:
            return "refused"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(one, range(8)))
    assert sorted(outcomes) == ["asked"] + ["refused"] * 7


def test_bad_input_names_the_field_and_a_past_or_unknown_occurrence_is_refused(client, act_as):
    event = organised_with_ben_going(client, act_as, "Checked café", in_days(4, 18))
    long = ask(client, act_as, event, note="x" * 501)
    assert long.status_code == 400 and "note" in error_of(long)["fields"]
    act_as(ANNA)
    unknown = client.post(f"/api/v1/events/{event['id']}/occurrences/20200101T000000Z/reminder", headers=JSON,
                          body=body({}))
    assert unknown.status_code == 404 and error_of(unknown)["fields"] == {"occurrence_id": "not one of its occurrences"}
