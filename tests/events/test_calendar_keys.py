"""The calendar's key design (chalicelib/events/calendar.py): one entry per local day holding an occurrence, so
that a window's one key range starts at the midnight of its first day and reads nothing from before it, yet finds
an occurrence begun days earlier, each occurrence once; and the upgrade from month entries."""

from chalicelib.events import calendar
from chalicelib.events.calendar import CalendarEntryItem
from chalicelib.events.models import EventItem
from tests.events.test_events import ANNA, BEN, N1, NEXT_YEAR, organised
from tests.events.test_recurrence import window

DAY = f"{NEXT_YEAR}-06-"
CAMP = {"title": "Scout camp", "category": "children", "start": f"{DAY}10T18:00", "end": f"{DAY}13T11:00"}


def stored_keys(nbh=N1) -> list[str]:
    return [entry.sk for entry in CalendarEntryItem.query(CalendarEntryItem.partition(nbh))]


def test_a_multi_day_event_has_an_entry_a_day_and_shows_once_in_a_window_starting_on_a_later_day(client, act_as):
    camp = organised(client, act_as, **CAMP)
    # its start, then the local midnights of its three further days (summer time: 22:00 UTC)
    assert stored_keys() == [f"{DAY}10T16:00:00Z#{camp['id']}", f"{DAY}10T22:00:00Z#{camp['id']}",
                             f"{DAY}11T22:00:00Z#{camp['id']}", f"{DAY}12T22:00:00Z#{camp['id']}"]
    act_as(BEN)
    for start, end in ((f"{DAY}12T00:00", f"{DAY}20T00:00"), (f"{DAY}13T10:00", f"{DAY}13T12:00"),
                       (f"{DAY}01T00:00", f"{DAY}30T00:00"), (f"{DAY}10T00:00", f"{DAY}11T00:00")):
        found = window(client, start, end)["occurrences"]
        assert [o["event_id"] for o in found] == [camp["id"]], (start, end)
    assert window(client, f"{DAY}13T11:00", f"{DAY}20T00:00")["occurrences"] == []  # ended as it starts
    assert window(client, f"{DAY}01T00:00", f"{DAY}10T18:00")["occurrences"] == []  # starts as it ends


def test_a_daily_series_of_two_day_occurrences_shows_each_occurrence_once(client, act_as):
    rota = organised(client, act_as, title="Garden rota", category="other", start=f"{DAY}01T20:00",
                     end=f"{DAY}03T08:00", rrule="FREQ=DAILY;INTERVAL=2;COUNT=5")
    assert len(stored_keys()) == 11  # each of the days 1 to 11 holds an occurrence (its start or a further day)
    act_as(BEN)
    for start in ("01", "02", "04", "09"):
        found = window(client, f"{DAY}{start}T12:00", f"{DAY}30T00:00")["occurrences"]
        ids = [o["occurrence_id"] for o in found]
        assert len(ids) == len(set(ids)) and all(o["event_id"] == rota["id"] for o in found), start
    assert len(window(client, f"{DAY}02T12:00", f"{DAY}30T00:00")["occurrences"]) == 5  # the first ends on the 3rd
    assert len(window(client, f"{DAY}04T00:00", f"{DAY}30T00:00")["occurrences"]) == 4


def test_the_upgrade_rewrites_month_entries_by_day(client, act_as):
    camp = organised(client, act_as, **CAMP)
    event = EventItem.get(*EventItem.key(camp["id"]))
    new_keys = list(event.calendar_keys)
    for key in new_keys:  # as the month layout had it: one entry, keyed by the month's first instant
        CalendarEntryItem(*key.split("|", 1)).delete()
    old = CalendarEntryItem(CalendarEntryItem.partition(N1), f"{DAY}01T00:00:00Z#{camp['id']}",
                            event=calendar.expansion(event))
    old.save()
    event.update(actions=[EventItem.calendar_keys.set([f"{old.pk}|{old.sk}"])])
    assert calendar.rekey_calendars() == 1
    assert [f"{CalendarEntryItem.partition(N1)}|{sk}" for sk in stored_keys()] == new_keys
    assert EventItem.get(*EventItem.key(camp["id"])).calendar_keys == new_keys
    assert calendar.rekey_calendars() == 0  # idempotent
    act_as(ANNA)
    assert [o["event_id"] for o in window(client, f"{DAY}12T00:00", f"{DAY}20T00:00")["occurrences"]] == [camp["id"]]
