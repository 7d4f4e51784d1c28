"""A write whose answer is lost on the way back: botocore sends it again, and the second send must not be
refused for what the first one did. A transaction is safe: botocore gives every TransactWriteItems a
ClientRequestToken (an idempotency token in DynamoDB's API model) and sends the same one again, so DynamoDB
answers success for a transaction it already committed. A single conditional write has no token: where a
lost answer would turn into a false refusal (a sign-in code "already used"), the write goes in a transaction.

The answer is lost for real: the first TransactWriteItems goes to DynamoDB Local and commits, then the
client sees a read timeout, as when DynamoDB answers after the request path's budget."""

import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.httpsession import URLLib3Session
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store.table import Entity, table_connection, transaction


class Seat(Entity):
    """A test-only item: one seat, taken once (attribute_not_exists)."""

    taken_by = UnicodeAttribute()


@pytest.fixture
def lose_an_answer():
    """`lose_an_answer("DeleteItem", ...)`: the first of these requests reaches DynamoDB Local and commits, then
    its answer is lost (a read timeout); botocore sends it again. Returns the list the lost answer goes to."""
    client = table_connection().connection.client
    lost, events = [], []

    def commit_then_lose_the_answer(request, **_):
        if lost:
            return None  # the retry goes out as usual
        lost.append(URLLib3Session().send(request))
        raise ReadTimeoutError(endpoint_url=request.url)

    def lose(*operations: str) -> list:
        for operation in operations:
            events.append(f"before-send.dynamodb.{operation}")
            client.meta.events.register_first(events[-1], commit_then_lose_the_answer)
        return lost

    yield lose
    for event in events:
        client.meta.events.unregister(event, commit_then_lose_the_answer)


def take(t: TransactWrite, who: str) -> None:
    t.save(Seat("SEAT#1", "SEAT", taken_by=who), condition=Seat.pk.does_not_exist())


def test_a_transaction_sent_again_after_its_answer_was_lost_succeeds_once(lose_an_answer):
    answer_lost_once = lose_an_answer("TransactWriteItems")
    with transaction() as t:
        take(t, "anna")
    assert answer_lost_once[0].status_code == 200  # the first send committed
    assert Seat.get("SEAT#1", "SEAT", consistent_read=True).taken_by == "anna"
    with pytest.raises(TransactWriteError):  # a new transaction is a new request: refused as it should be
        with transaction() as t:
            take(t, "ben")


def test_signing_in_when_the_answer_of_using_the_code_is_lost_opens_the_session(client, outbox, lose_an_answer):
    from tests.api.test_sign_in import ask_code, code_from_outbox
    from tests.helpers import JSON, body

    ask_code(client, "anna@example.lu")
    code = code_from_outbox(outbox, "anna@example.lu")
    answer_lost_once = lose_an_answer("TransactWriteItems", "DeleteItem")  # whichever uses the code up

    first = client.post("/api/v1/auth/session", headers=JSON, body=body({"email": "anna@example.lu", "code": code}))
    again = client.post("/api/v1/auth/session", headers=JSON, body=body({"email": "anna@example.lu", "code": code}))

    assert answer_lost_once and first.status_code == 200, first.body  # sent twice, committed once: signed in
    assert again.status_code in (400, 404) and again.status_code != 500  # the code is used up
