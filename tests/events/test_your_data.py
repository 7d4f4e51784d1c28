"""Events in "your data": a resident's export lists what they organise and answered; erasing the account takes their
answers off (their place to the first in line), removes or anonymises the events they created, and takes them off
the organisers of the others."""

from pynamodb.exceptions import DoesNotExist

from chalicelib.events.models import CalendarEntryItem, EventItem, EventLink, OccurrenceAnswersItem
from chalicelib.events.your_data import erase_events, export_events
from tests.api.test_posts import make_user, resident
from tests.events.test_answers import answer, answers
from tests.events.test_events import ANNA, BEN, N1, organised


def gone(model, *key) -> bool:
    try:
        model.get(*key, consistent_read=True)
    except DoesNotExist:
        return True
    return False


def test_export_then_erase_takes_answers_off_and_removes_or_anonymises_events(client, act_as):
    make_user(BEN, "ben@example.org", None)
    mine = organised(client, act_as, capacity=1)
    shared = organised(client, act_as, title="Cleaning day", category="cleaning_day", co_organisers=["U-ben"])
    carla = resident("U-carla", nbh=N1)
    act_as(BEN)
    answer(client, mine["id"], mine["occurrence_id"])  # the one place
    act_as(carla)
    answer(client, mine["id"], mine["occurrence_id"])  # waits
    act_as(BEN)
    exported = export_events("U-ben")
    assert [e["id"] for e in exported["organised"]] == [shared["id"]]
    assert [(a["event_id"], a["state"]) for a in exported["answers"]] == [(mine["id"], "going")]

    erase_events("U-ben", "anonymise")

    stored = OccurrenceAnswersItem.get(*OccurrenceAnswersItem.key(mine["id"], mine["occurrence_id"]), consistent_read=True)
    assert "U-ben" not in stored.answers and stored.answers["U-carla"]["state"] == "offered"  # held for her
    assert EventItem.get(*EventItem.key(shared["id"])).organisers == ["U-anna"]
    assert list(EventLink.query("USER#U-ben", EventLink.sk.startswith(EventLink.PREFIX))) == []
    # The creator's account erased with "remove": the event goes with its entries and answers
    act_as(ANNA)
    assert answers(client, mine["id"], mine["occurrence_id"])["offered"] == 1
    erase_events("U-anna", "remove")
    assert gone(EventItem, *EventItem.key(mine["id"])) and gone(EventItem, *EventItem.key(shared["id"]))
    assert gone(OccurrenceAnswersItem, *OccurrenceAnswersItem.key(mine["id"], mine["occurrence_id"]))
    assert list(CalendarEntryItem.query(CalendarEntryItem.partition(N1))) == []


def test_an_anonymised_creator_leaves_the_event_without_an_author(client, act_as):
    event = organised(client, act_as)
    erase_events("U-anna", "anonymise")
    stored = EventItem.get(*EventItem.key(event["id"]), consistent_read=True)
    assert stored.author_id is None and stored.organisers == []
    act_as(BEN)
    assert client.get(f"/api/v1/events/{event['id']}").json_body["organisers"] == []
