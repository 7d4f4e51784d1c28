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
def answer_lost_once():
    client = table_connection().connection.client
    lost = []

    def commit_then_lose_the_answer(request, **_):
        if lost:
            return None  # the retry goes out as usual
        lost.append(URLLib3Session().send(request))
        raise ReadTimeoutError(endpoint_url=request.url)

    client.meta.events.register_first("before-send.dynamodb.TransactWriteItems", commit_then_lose_the_answer)
    yield lost
    client.meta.events.unregister("before-send.dynamodb.TransactWriteItems", commit_then_lose_the_answer)


def take(t: TransactWrite, who: str) -> None:
    t.save(Seat("SEAT#1", "SEAT", taken_by=who), condition=Seat.pk.does_not_exist())


def test_a_transaction_sent_again_after_its_answer_was_lost_succeeds_once(answer_lost_once):
    with transaction() as t:
        take(t, "anna")
    assert answer_lost_once[0].status_code == 200  # the first send committed
    assert Seat.get("SEAT#1", "SEAT", consistent_read=True).taken_by == "anna"
    with pytest.raises(TransactWriteError):  # a new transaction is a new request: refused as it should be
        with transaction() as t:
            take(t, "ben")
