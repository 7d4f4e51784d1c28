"""What the conversation list shows beside the unread count: the last message's start, who wrote it,
and whether I have blocked the other person (the web app's list and conversation screens need them)."""

import pytest

from chalicelib.messages.service import PREVIEW_LENGTH, erase_messages
from tests.api.test_messages import send, started
from tests.api.test_posts import ANNA, BEN, make_user


@pytest.fixture(autouse=True)
def neighbours():
    for number, who in enumerate((ANNA, BEN), start=1):
        make_user(who, f"{who.user_id}@example.lu", f"7000-{number}")


def listed(client):
    conversations = client.get("/api/v1/conversations").json_body["conversations"]
    assert len(conversations) == 1
    return conversations[0]


def test_the_list_shows_the_start_of_the_last_message_and_who_wrote_it(client, act_as):
    # Given Anna wrote to Ben
    act_as(ANNA)
    conversation = started(client, text="Could I borrow your ladder?")
    assert listed(client)["last_message"] == "Could I borrow your ladder?"
    assert listed(client)["last_message_mine"] is True
    # When Ben answers with a long message
    act_as(BEN)
    long = "Yes of course " + "x" * 300
    assert send(client, conversation["id"], long).status_code == 201
    # Then each side's list shows its start, ending in an ellipsis
    for who, mine in ((BEN, True), (ANNA, False)):
        act_as(who)
        shown = listed(client)
        assert shown["last_message_mine"] is mine
        assert shown["last_message"].startswith("Yes of course x")
        assert shown["last_message"].endswith("…") and len(shown["last_message"]) == PREVIEW_LENGTH


def test_the_list_says_whom_i_have_blocked(client, act_as):
    act_as(ANNA)
    started(client)
    assert listed(client)["blocked"] is False
    client.put("/api/v1/me/blocks/U-ben")
    assert listed(client)["blocked"] is True
    act_as(BEN)
    assert listed(client)["blocked"] is False  # Ben did not block Anna (he only cannot write to her)
    act_as(ANNA)
    client.delete("/api/v1/me/blocks/U-ben")
    assert listed(client)["blocked"] is False


def test_erasing_an_account_removes_the_start_of_its_last_message_from_the_other_list(client, act_as):
    act_as(BEN)
    conversation = started(client, with_user_id="U-anna", text="Hi Anna")
    act_as(ANNA)
    send(client, conversation["id"], "My secret plans")
    erase_messages("U-anna", "remove")
    act_as(BEN)
    assert listed(client)["last_message"] is None


def test_erasing_keeps_the_other_persons_own_last_message_in_their_list(client, act_as):
    act_as(ANNA)
    conversation = started(client, text="Hi Ben")
    act_as(BEN)
    send(client, conversation["id"], "Hi Anna, see you")
    erase_messages("U-anna", "remove")
    assert listed(client)["last_message"] == "Hi Anna, see you"
