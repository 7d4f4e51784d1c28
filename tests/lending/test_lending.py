"""The lending library: items, loans and wanted things, for verified residents of the neighbourhood."""

import threading
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.lending import loans as loans_module
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.lending.models import LendingLink
from chalicelib.store.calls import count_dynamodb_calls
from chalicelib.policy import Principal
from tests.helpers import JSON, body, error_of

N1, N2 = "0501-n1", "0501-n2"
OWNER = Principal(user_id="U-OWNER", lau2="0501", neighbourhood_id=N1, residence_status="verified")
BORROWER = Principal(user_id="U-BORROWER", lau2="0501", neighbourhood_id=N1, residence_status="verified")
PENDING = Principal(user_id="U-PENDING", lau2="0501", neighbourhood_id=N1, residence_status="pending")
ELSEWHERE = Principal(user_id="U-ELSEWHERE", lau2="0501", neighbourhood_id=N2, residence_status="verified")
DRILL = {"name": "Perceuse à percussion", "description": "Bosch, avec mèches béton", "category": "tools",
         "conditions": "Rendre propre"}


def day(offset: int) -> str:
    return (loans_module.today() + timedelta(days=offset)).isoformat()


def lend(client, act_as, owner=OWNER, **fields):
    act_as(owner)
    response = client.post(f"/api/v1/neighbourhoods/{owner.neighbourhood_id}/items", headers=JSON,
                           body=body({**DRILL, **fields}))
    assert response.status_code == 201, response.body
    return response.json_body


def ask_loan(client, act_as, item_id, start, end, borrower=BORROWER):
    act_as(borrower)
    return client.post(f"/api/v1/items/{item_id}/loans", headers=JSON, body=body({"start": start, "end": end}))


def decide(client, act_as, loan_id, decision, who=OWNER):
    act_as(who)
    return client.post(f"/api/v1/loans/{loan_id}/decision", headers=JSON, body=body({"decision": decision}))


def move(client, act_as, loan_id, state, who=OWNER):
    act_as(who)
    return client.post(f"/api/v1/loans/{loan_id}/state", headers=JSON, body=body({"state": state}))


# --- items ------------------------------------------------------------------------------------

def test_a_resident_lists_an_item_and_a_neighbour_finds_it_without_accents(client, act_as):
    item = lend(client, act_as)
    lend(client, act_as, name="Échelle", description="3 m", category="household")
    act_as(BORROWER)
    found = client.get(f"/api/v1/neighbourhoods/{N1}/items?q=perceuse%20a%20percussion").json_body["items"]
    assert [i["id"] for i in found] == [item["id"]]
    assert found[0]["mine"] is False and found[0]["category"] == "tools"
    assert len(client.get(f"/api/v1/neighbourhoods/{N1}/items").json_body["items"]) == 2
    assert client.get(f"/api/v1/neighbourhoods/{N1}/items?q=BETON").json_body["items"][0]["id"] == item["id"]


def test_an_item_with_an_unknown_category_is_refused_naming_the_field(client, act_as):
    act_as(OWNER)
    response = client.post(f"/api/v1/neighbourhoods/{N1}/items", headers=JSON, body=body({**DRILL, "category": "x"}))
    assert response.status_code == 400 and "category" in error_of(response)["fields"]


@pytest.mark.parametrize("stranger", [ELSEWHERE, PENDING], ids=["other_neighbourhood", "pending"])
def test_strangers_to_the_neighbourhood_get_404_for_items_item_and_loan(client, act_as, stranger):
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(1), day(2)).json_body
    act_as(stranger)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/items").status_code == 404
    assert client.get(f"/api/v1/items/{item['id']}").status_code == 404
    assert client.get(f"/api/v1/loans/{loan['id']}").status_code == 404
    assert ask_loan(client, act_as, item["id"], day(3), day(4), borrower=stranger).status_code == 404


def test_only_the_owner_changes_an_item(client, act_as):
    item = lend(client, act_as)
    act_as(BORROWER)
    assert client.patch(f"/api/v1/items/{item['id']}", headers=JSON, body=body({"name": "x"})).status_code == 403
    act_as(OWNER)
    changed = client.patch(f"/api/v1/items/{item['id']}", headers=JSON,
                           body=body({"available": False, "blocked": [{"start": day(5), "end": day(6)}]})).json_body
    assert changed["available"] is False and changed["name"] == DRILL["name"]
    assert changed["blocked"] == [{"start": day(5), "end": day(6)}]


def test_deleting_an_item_waits_until_its_accepted_loan_is_returned(client, act_as):
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(0), day(2)).json_body
    assert decide(client, act_as, loan["id"], "accept").status_code == 200
    act_as(OWNER)
    response = client.delete(f"/api/v1/items/{item['id']}")
    assert response.status_code == 409, response.body
    move(client, act_as, loan["id"], "picked_up"), move(client, act_as, loan["id"], "returned")
    act_as(OWNER)
    assert client.delete(f"/api/v1/items/{item['id']}").status_code == 204
    assert client.get(f"/api/v1/items/{item['id']}").status_code == 404


# --- loans ------------------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, field", [(-1, 1, "start"), (3, 2, "end"), (0, 30, "end")])
def test_loan_dates_are_checked_naming_the_field(client, act_as, start, end, field):
    item = lend(client, act_as)
    response = ask_loan(client, act_as, item["id"], day(start), day(end))
    assert response.status_code == 400 and field in error_of(response)["fields"], response.body


def test_borrowing_ones_own_item_is_refused_as_ones_own_case(client, act_as):
    item = lend(client, act_as)
    response = ask_loan(client, act_as, item["id"], day(1), day(2), borrower=OWNER)
    assert response.status_code == 403 and error_of(response)["fields"] == {"item_id": "your own case"}


def test_a_loan_goes_requested_accepted_picked_up_returned_and_counts_an_exchange(client, act_as):
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(0), day(29)).json_body
    assert loan["state"] == "requested" and loan["role"] == "borrower"
    assert decide(client, act_as, loan["id"], "accept").json_body["state"] == "accepted"
    assert move(client, act_as, loan["id"], "picked_up").json_body["state"] == "picked_up"
    assert move(client, act_as, loan["id"], "returned").json_body["state"] == "returned"
    week = WeekStatsItem.get(*WeekStatsItem.key(N1, iso_week(loans_module.today())))
    assert week.exchanges == 1 and week.loans_returned == 1 and week.loans_on_time == 1  # returned before its end
    # the days are free again
    again = ask_loan(client, act_as, item["id"], day(1), day(2)).json_body
    assert decide(client, act_as, again["id"], "accept").status_code == 200


def test_my_loans_are_one_query_that_follows_every_state_on_both_sides(client, act_as):
    # Given two loans of one item: one through every state, one declined; and a link from before the copies
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(0), day(3)).json_body
    other = ask_loan(client, act_as, item["id"], day(5), day(6)).json_body
    states = []
    decide(client, act_as, other["id"], "decline")
    for step in ("accept", "picked_up", "returned"):
        if step == "accept":
            decide(client, act_as, loan["id"], "accept")
        else:
            move(client, act_as, loan["id"], step)
        for who, side in ((OWNER, "as_owner"), (BORROWER, "as_borrower")):
            act_as(who)
            with count_dynamodb_calls() as calls:
                mine = client.get("/api/v1/me/loans").json_body[side]
            assert dict(calls) == {"Query": 1}, dict(calls)
            states.append({l["id"]: l["state"] for l in mine})

    # Then each side saw each state as the loan had it
    expected = [{loan["id"]: state, other["id"]: "declined"} for state in ("accepted", "picked_up", "returned")
                for _ in (OWNER, BORROWER)]
    assert states == expected
    # And a link written before it carried the loan reads it, with the same answer
    LendingLink(*LendingLink.key(BORROWER.user_id, "loan", loan["id"])).update(actions=[LendingLink.loan.remove()])
    act_as(BORROWER)
    with count_dynamodb_calls() as calls:
        assert {l["id"]: l["state"] for l in client.get("/api/v1/me/loans").json_body["as_borrower"]} == expected[-1]
    assert dict(calls) == {"Query": 1, "BatchGetItem": 1}
    assert loans_module.copy_loans_on_links() == 1 and loans_module.copy_loans_on_links() == 0  # the upgrade step
    with count_dynamodb_calls() as calls:
        assert {l["id"]: l["state"] for l in client.get("/api/v1/me/loans").json_body["as_borrower"]} == expected[-1]
    assert dict(calls) == {"Query": 1}


@pytest.mark.parametrize("steps, state, who", [
    ([], "picked_up", OWNER), ([], "returned", OWNER), (["accept"], "cancelled", BORROWER),
    (["decline"], "picked_up", OWNER),
])
def test_illegal_transitions_are_409_naming_state(client, act_as, steps, state, who):
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(1), day(2)).json_body
    for step in steps:
        decide(client, act_as, loan["id"], step)
    response = move(client, act_as, loan["id"], state, who=who)
    assert response.status_code == 409 and "state" in error_of(response)["fields"], response.body


def test_the_borrower_cancels_while_requested_but_cannot_accept(client, act_as):
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(1), day(2)).json_body
    for decision in ("accept", "decline"):  # only the owner decides a request, never the borrower
        refused = decide(client, act_as, loan["id"], decision, who=BORROWER)
        assert refused.status_code == 403 and error_of(refused)["fields"] == {"loan_id": "your own case"}
    assert move(client, act_as, loan["id"], "cancelled", who=BORROWER).json_body["state"] == "cancelled"


def test_concurrent_accepts_of_overlapping_loans_accept_exactly_one(client, act_as, app):
    # Given eight overlapping requests for one drill (all of them hold day 8)
    item = lend(client, act_as)
    requested = [ask_loan(client, act_as, item["id"], day(n), day(n + 8)).json_body["id"] for n in range(8)]
    act_as(OWNER)
    statuses, barrier = [], threading.Barrier(len(requested))

    def accept(loan_id):
        from chalice.test import Client

        with Client(app, stage_name="test") as own:
            barrier.wait()
            statuses.append(own.http.post(f"/api/v1/loans/{loan_id}/decision", headers=JSON,
                                          body=body({"decision": "accept"})).status_code)

    # When the owner accepts all of them at once
    threads = [threading.Thread(target=accept, args=(loan_id,)) for loan_id in requested]
    [t.start() for t in threads], [t.join() for t in threads]
    # Then exactly one is accepted
    assert sorted(statuses) == [200] + [409] * 7, statuses
    act_as(OWNER)
    states = [client.get(f"/api/v1/loans/{loan_id}").json_body["state"] for loan_id in requested]
    assert states.count("accepted") == 1


def test_a_loan_past_its_end_and_not_returned_is_overdue(client, act_as, monkeypatch):
    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(0), day(2)).json_body
    decide(client, act_as, loan["id"], "accept"), move(client, act_as, loan["id"], "picked_up")
    act_as(BORROWER)
    assert client.get(f"/api/v1/loans/{loan['id']}").json_body["overdue"] is False
    later = datetime.now(timezone.utc) + timedelta(days=4)
    monkeypatch.setattr(loans_module, "now", lambda: later)
    assert client.get(f"/api/v1/loans/{loan['id']}").json_body["overdue"] is True
    mine = client.get("/api/v1/me/loans").json_body
    assert [l["id"] for l in mine["as_borrower"]] == [loan["id"]] and mine["as_owner"] == []
    act_as(OWNER)
    assert [l["overdue"] for l in client.get("/api/v1/me/loans").json_body["as_owner"]] == [True]


# --- wanted -----------------------------------------------------------------------------------

def test_a_resident_asks_for_a_thing_and_closes_it(client, act_as):
    act_as(BORROWER)
    asked = client.post(f"/api/v1/neighbourhoods/{N1}/wanted", headers=JSON,
                        body=body({"name": "Remorque", "description": "pour un samedi"})).json_body
    act_as(OWNER)
    assert [w["id"] for w in client.get(f"/api/v1/neighbourhoods/{N1}/wanted").json_body["wanted"]] == [asked["id"]]
    assert client.post(f"/api/v1/neighbourhoods/{N1}/wanted/{asked['id']}/close").status_code == 403
    act_as(BORROWER)
    assert client.post(f"/api/v1/neighbourhoods/{N1}/wanted/{asked['id']}/close").json_body["state"] == "closed"
    assert client.get(f"/api/v1/neighbourhoods/{N1}/wanted").json_body["wanted"] == []
    act_as(ELSEWHERE)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/wanted").status_code == 404


# --- your data --------------------------------------------------------------------------------

def test_the_lending_content_owner_exports_and_erases(client, act_as):
    from chalicelib.lending.your_data import erase_lending, export_lending

    item = lend(client, act_as)
    loan = ask_loan(client, act_as, item["id"], day(1), day(2)).json_body
    exported = export_lending(OWNER.user_id)
    assert [i["id"] for i in exported["items"]] == [item["id"]]
    assert [l["id"] for l in exported["loans"]] == [loan["id"]]
    erase_lending(BORROWER.user_id, "remove")
    assert export_lending(BORROWER.user_id) == {"items": [], "loans": [], "wanted": []}
    assert export_lending(OWNER.user_id)["loans"][0]["borrower_id"] is None
    act_as(OWNER)
    assert client.get("/api/v1/me/loans").json_body["as_owner"][0]["borrower_id"] is None  # on the owner's copy too
    erase_lending(OWNER.user_id, "anonymise")
    act_as(BORROWER)
    assert client.get(f"/api/v1/items/{item['id']}").status_code == 404
