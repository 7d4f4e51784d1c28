"""An item's calendar: the days accepted loans hold, for the neighbours choosing dates to ask for."""

from chalicelib.store.calls import count_dynamodb_calls
from tests.helpers import JSON, body
from tests.lending.test_lending import (
    BORROWER, ELSEWHERE, N1, OWNER, PENDING, Principal, ask_loan, day, decide, lend, move,
)

OTHER = Principal(user_id="U-OTHER", lau2="0501", neighbourhood_id=N1, residence_status="verified")


def calendar(client, act_as, item_id, who=BORROWER, query=""):
    act_as(who)
    return client.get(f"/api/v1/items/{item_id}/calendar{query}")


def test_the_calendar_shows_the_days_of_accepted_loans_only(client, act_as):
    # Given an accepted loan on days 2-4 and a mere request on days 6-7
    item = lend(client, act_as)
    accepted = ask_loan(client, act_as, item["id"], day(2), day(4)).json_body
    ask_loan(client, act_as, item["id"], day(6), day(7), borrower=OTHER)
    assert decide(client, act_as, accepted["id"], "accept").status_code == 200
    # When a neighbour reads the calendar
    answer = calendar(client, act_as, item["id"], who=OTHER)
    # Then only the accepted days are taken, from today for six weeks
    assert answer.status_code == 200, answer.body
    shown = answer.json_body
    assert shown["taken"] == [day(2), day(3), day(4)]
    assert shown["start"] == day(0) and shown["end"] == day(41)
    assert shown["available"] is True and shown["blocked"] == []


def test_the_calendar_window_cuts_the_taken_days(client, act_as):
    item = lend(client, act_as, blocked=[{"start": day(20), "end": day(22)}])
    loan = ask_loan(client, act_as, item["id"], day(1), day(5)).json_body
    decide(client, act_as, loan["id"], "accept")
    shown = calendar(client, act_as, item["id"], query=f"?start={day(3)}&days=2").json_body
    assert shown["taken"] == [day(3), day(4)] and shown["end"] == day(4)
    assert shown["blocked"] == [{"start": day(20), "end": day(22)}]


def test_returned_and_declined_loans_free_their_days(client, act_as):
    item = lend(client, act_as)
    returned = ask_loan(client, act_as, item["id"], day(0), day(1)).json_body
    declined = ask_loan(client, act_as, item["id"], day(3), day(4), borrower=OTHER).json_body
    decide(client, act_as, returned["id"], "accept")
    decide(client, act_as, declined["id"], "decline")
    assert calendar(client, act_as, item["id"]).json_body["taken"] == [day(0), day(1)]
    move(client, act_as, returned["id"], "picked_up"), move(client, act_as, returned["id"], "returned")
    assert calendar(client, act_as, item["id"]).json_body["taken"] == []


def test_reading_the_calendar_is_one_query(client, act_as):
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(0), day(29)).json_body
    decide(client, act_as, loan["id"], "accept")
    act_as(BORROWER)
    with count_dynamodb_calls() as calls:
        assert client.get(f"/api/v1/items/{item['id']}/calendar?days=92").status_code == 200
    assert calls == {"Query": 1}, calls  # the item (who may see it) and its days share a partition


def test_days_booked_after_the_window_are_not_shown(client, act_as):
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(5), day(6)).json_body
    decide(client, act_as, loan["id"], "accept")
    act_as(BORROWER)
    assert client.get(f"/api/v1/items/{item['id']}/calendar?days=3").json_body["taken"] == []
    assert client.get(f"/api/v1/items/{item['id']}/calendar?days=6").json_body["taken"] == [day(5)]


def test_strangers_get_404_and_a_too_long_window_is_refused(client, act_as):
    item = lend(client, act_as)
    for stranger in (ELSEWHERE, PENDING):
        assert calendar(client, act_as, item["id"], who=stranger).status_code == 404
    too_long = calendar(client, act_as, item["id"], query="?days=93")
    assert too_long.status_code == 400 and "days" in too_long.json_body["error"]["fields"]
    assert calendar(client, act_as, item["id"], query="?start=tomorrow").status_code == 400
    act_as(OWNER)
    assert client.get("/api/v1/items/01ARZ3NDEKTSV4RRFFQ69G5FAV/calendar").status_code == 404
