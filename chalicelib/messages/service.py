"""Private 1:1 conversations between verified residents of the same neighbourhood.

One conversation per pair of users: its id derives from the sorted pair and its item is written
with attribute_not_exists, so two concurrent starts end in the same conversation. A message, its
lookup item, both participants' items (the other's `unread` gets ADD 1) and the week's `messages`
counter are one transaction. Only the two participants see a conversation; to anyone else it does
not exist (404). A block (either direction) stops messages (403). docs/data-model.md lists the keys.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.service import load_user
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.errors import Forbidden, InvalidInput, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.moderation.reasons import reason_text
from chalicelib.lending.models import LendingLink
from chalicelib.messages.models import (
    AboutPublic, BlockItem, BlockPublic, ConversationItem, ConversationList, ConversationPublic, ConversationStart,
    MessageItem, MessagePage, MessagePublic, MessageRefItem, MessageRequest, MessagesQuery,
    Badges, ConversationRead, ParticipantItem, Unread,
)
from chalicelib.notifications.unread import UnreadWatchItem
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.ratelimit import limit
from chalicelib.posts.models import WeekStatsItem
from chalicelib.posts.service import _readable, _week
from chalicelib.store.pages import decode_cursor, encode_cursor
from chalicelib.store.table import condition_failed, refused_conditions, table_connection, transaction

# My conversations in the inbox partition (USER#<id>#CONVS), without the loan requests waiting for me there.
CONVERSATIONS = ParticipantItem.gsi1sk < LendingLink.WAITING
_CURSOR_SK = re.compile(r"^[0-9A-Z]{26}$")
CANNOT = "cannot message this neighbour"
# Rate limits per sender (chalicelib/ratelimit.py, fixed windows): messages per 10 minutes, conversations
# started (or carried on through POST /conversations) per day.
MESSAGES_PER_10_MINUTES = 30
CONVERSATIONS_PER_DAY = 10
PREVIEW_LENGTH = 120


def conversation_id_of(user_a: str, user_b: str) -> str:
    first, second = sorted((user_a, user_b))
    return hashlib.sha256(f"{first}\n{second}".encode()).hexdigest()[:32]


def _no_such_conversation() -> NotFound:
    return NotFound("No such conversation.", {"conversation_id": "not found"})


# --- conversations --------------------------------------------------------------------------

def start(principal: Principal, request: ConversationStart) -> ConversationPublic:
    """Start (or carry on) the conversation with a verified neighbour, with a first message."""
    me = principal.user_id
    mine = _verified_neighbourhood(me)
    other = request.with_user_id
    if mine is None or other == me or _verified_neighbourhood(other) != mine:
        raise NotFound("No such neighbour.", {"with_user_id": "not found"})
    if _blocked_either_way(me, other):
        raise Forbidden("You cannot message this neighbour.", {"with_user_id": CANNOT})
    about_kind, about_id = _about(principal, request)
    # Against spam: starting conversations, then the message itself, counted per sender (429 past it).
    limit("conversations", me, CONVERSATIONS_PER_DAY, 24 * 3600)
    limit("messages", me, MESSAGES_PER_10_MINUTES, 600)
    conversation_id = conversation_id_of(me, other)
    moment = now()
    conversation = ConversationItem(*ConversationItem.key(conversation_id), conversation_id=conversation_id,
                                    user_ids=sorted((me, other)), neighbourhood_id=mine, about_kind=about_kind,
                                    about_id=about_id, created_at=moment)

    def create() -> None:
        with transaction() as t:
            t.save(conversation, condition=ConversationItem.pk.does_not_exist())
            for user_id, with_user_id in ((me, other), (other, me)):
                t.save(ParticipantItem(*ParticipantItem.key(conversation_id, user_id), conversation_id=conversation_id,
                                       user_id=user_id, with_user_id=with_user_id, about_kind=about_kind,
                                       about_id=about_id, created_at=moment, unread=0,
                                       gsi1pk=ParticipantItem.mine(user_id),
                                       gsi1sk=f"{moment.isoformat()}#{conversation_id}"),
                       condition=ParticipantItem.pk.does_not_exist())

    try:
        _retrying(create)
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise
        # the pair already has its conversation: carry on in it
    else:
        logger.info("conversation started", nbh=mine, about=about_kind)
    _send(me, conversation_id, mine, other, request.text)
    return _conversation_public(_participant(conversation_id, me))


def my_conversations(principal: Principal) -> ConversationList:
    """One Query: whom I block is on my side of each conversation (`blocking`, kept by `block` and `unblock`)."""
    items = list(ParticipantItem.gsi1.query(ParticipantItem.mine(principal.user_id), CONVERSATIONS,
                                            scan_index_forward=False))
    return ConversationList(conversations=[_conversation_public(item, bool(item.blocking)) for item in items])


def unread_total(principal: Principal) -> Unread:
    items = ParticipantItem.gsi1.query(ParticipantItem.mine(principal.user_id), CONVERSATIONS,
                                       attributes_to_get=["unread"])
    return Unread(unread=sum(int(item.unread or 0) for item in items))


def badges(principal: Principal) -> Badges:
    """The header's badges in one Query of the person's inbox partition: their conversations' unread counts
    and the loan requests waiting for their answer (chalicelib/lending/models.py LendingLink)."""
    unread = waiting = 0
    # The projection is common to both kinds of item: read as ParticipantItem, told apart by gsi1sk.
    for item in ParticipantItem.gsi1.query(ParticipantItem.mine(principal.user_id), attributes_to_get=["gsi1sk", "unread"]):
        if (item.gsi1sk or "").startswith(LendingLink.WAITING):
            waiting += 1
        else:
            unread += int(item.unread or 0)
    return Badges(unread_messages=unread, loans_waiting=waiting)


# --- messages -------------------------------------------------------------------------------

def send(principal: Principal, conversation_id: str, request: MessageRequest) -> MessagePublic:
    conversation = participating(principal, conversation_id)
    me = principal.user_id
    other = next(user_id for user_id in conversation.user_ids if user_id != me)
    if _blocked_either_way(me, other):
        raise Forbidden("You cannot message this neighbour.", {"conversation_id": CANNOT})
    mine = _verified_neighbourhood(me)
    if mine is None or _verified_neighbourhood(other) != mine:
        raise Forbidden("You cannot message this neighbour.", {"conversation_id": CANNOT})
    limit("messages", me, MESSAGES_PER_10_MINUTES, 600)
    return _public(_send(me, conversation_id, mine, other, request.text))


def messages(principal: Principal, conversation_id: str, query: MessagesQuery) -> MessagePage:
    """Newest first, one Query a page (after the conversation's GetItem). Reading writes nothing: the web app
    says it read the conversation (`mark_read`)."""
    participating(principal, conversation_id)
    partition = MessageItem.partition(conversation_id)
    start_key = decode_cursor(query.cursor, partition=partition, sort_pattern=_CURSOR_SK, what="conversation") if query.cursor else None
    page = table_connection().query(partition, limit=query.limit, scan_index_forward=False,
                                    exclusive_start_key=start_key)
    found = [_public(MessageItem.from_raw_data(raw), principal.user_id) for raw in page.get("Items", [])]
    last = page.get("LastEvaluatedKey")
    return MessagePage(messages=found, cursor=encode_cursor(last) if last else None)


def mark_read(principal: Principal, conversation_id: str) -> ConversationRead:
    """I read the conversation: its unread count goes to 0. One conditional UpdateItem on my side of it (which
    exists only if I take part: anyone else is told the conversation does not exist), answering what it was."""
    try:
        answer = table_connection().update_item(
            *ParticipantItem.key(conversation_id, principal.user_id or "-"),
            actions=[ParticipantItem.unread.set(0), ParticipantItem.unread_since.remove()],
            condition=ParticipantItem.pk.exists(), return_values="UPDATED_OLD")
    except UpdateError as error:
        if condition_failed(error):
            raise _no_such_conversation() from None
        raise
    return ConversationRead(was_unread=int(answer.get("Attributes", {}).get("unread", {}).get("N", "0")))


# --- blocks ---------------------------------------------------------------------------------

def block(principal: Principal, user_id: str) -> BlockPublic:
    if user_id == principal.user_id:
        raise InvalidInput("You cannot block yourself.", {"user_id": "yourself"})
    BlockItem(*BlockItem.key(principal.user_id, user_id), created_at=now()).save()
    _mark_blocking(principal.user_id, user_id, ParticipantItem.blocking.set(True))
    return BlockPublic(user_id=user_id, blocked=True)


def unblock(principal: Principal, user_id: str) -> None:
    BlockItem(*BlockItem.key(principal.user_id, user_id)).delete()
    _mark_blocking(principal.user_id or "-", user_id, ParticipantItem.blocking.remove())


def _mark_blocking(me: str, other: str, action: Any) -> None:
    """My side of our conversation, if we have one, says whether I block them (my list shows it). The
    BlockItem is what refuses messages; this copy follows it (block and unblock may be repeated)."""
    try:
        ParticipantItem(*ParticipantItem.key(conversation_id_of(me, other), me)).update(
            actions=[action], condition=ParticipantItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


# --- your data ------------------------------------------------------------------------------

def export_messages(user_id: str) -> dict[str, Any]:
    conversations = [_conversation_public(item).model_dump(mode="json")
                     for item in ParticipantItem.gsi1.query(ParticipantItem.mine(user_id), CONVERSATIONS)]
    written = [_public(item, user_id).model_dump(mode="json") for item in _messages_of(user_id)]
    return {"conversations": conversations, "messages": written}


def erase_messages(user_id: str, choice: ContentChoice) -> None:
    """remove: each own message stays as "deleted" (no text, no author); anonymise: it stays, authorless.
    Either way the user's own side of each conversation and their blocks go."""
    for message in _messages_of(user_id):
        actions = [MessageItem.author_id.remove(), MessageItem.gsi1pk.remove(), MessageItem.gsi1sk.remove()]
        if choice == "remove":
            actions += [MessageItem.text.remove(), MessageItem.deleted.set(True)]
        message.update(actions=actions)
    for participant in ParticipantItem.gsi1.query(ParticipantItem.mine(user_id), CONVERSATIONS):
        _forget_preview(participant.conversation_id, participant.with_user_id, author_id=user_id)
        participant.delete()
    for blocked in BlockItem.query(f"USER#{user_id}#BLOCKS"):
        blocked.delete()


register_content_owner(ContentOwner(name="messages", export=export_messages, erase=erase_messages))


# --- inside ---------------------------------------------------------------------------------

def _send(me: str, conversation_id: str, neighbourhood_id: str, other: str, text: str) -> MessageItem:
    message_id = new_id()
    moment = now()
    message = MessageItem(MessageItem.partition(conversation_id), message_id, message_id=message_id,
                          conversation_id=conversation_id, author_id=me, text=text, created_at=moment,
                          gsi1pk=MessageItem.author_key(me), gsi1sk=message_id)
    recent = f"{moment.isoformat()}#{conversation_id}"
    last = [ParticipantItem.last_preview.set(_preview(text)), ParticipantItem.last_author_id.set(me)]

    def write() -> None:
        with transaction() as t:
            t.save(message, condition=MessageItem.pk.does_not_exist())
            t.save(MessageRefItem(*MessageRefItem.key(message_id), conversation_id=conversation_id))
            t.update(ConversationItem(*ConversationItem.key(conversation_id)),
                     actions=[ConversationItem.last_message_at.set(moment)], condition=ConversationItem.pk.exists())
            t.update(ParticipantItem(*ParticipantItem.key(conversation_id, me)),
                     actions=[ParticipantItem.last_message_at.set(moment), ParticipantItem.gsi1sk.set(recent), *last],
                     condition=ParticipantItem.pk.exists())
            t.update(ParticipantItem(*ParticipantItem.key(conversation_id, other)),
                     actions=[ParticipantItem.last_message_at.set(moment), ParticipantItem.gsi1sk.set(recent),
                              ParticipantItem.unread.add(1), *last,
                              ParticipantItem.unread_since.set(ParticipantItem.unread_since | moment)],
                     condition=ParticipantItem.pk.exists())
            t.save(UnreadWatchItem.for_message(conversation_id, other, moment))  # the unread-for-a-day email
            t.update(_week(neighbourhood_id), actions=[WeekStatsItem.messages.add(1)])

    _retrying(write)
    logger.info("message sent", nbh=neighbourhood_id)
    return message


def _about(principal: Principal, request: ConversationStart) -> tuple[str | None, str | None]:
    if request.about is None:
        return None, None
    if request.about.post_id:
        _readable(principal, request.about.post_id)
        return "post", request.about.post_id
    from chalicelib.lending.items import visible_item  # lending imports much; only needed here

    visible_item(principal, request.about.item_id)
    return "item", request.about.item_id


def participating(principal: Principal, conversation_id: str) -> ConversationItem:
    """The conversation, when the principal takes part in it; to anyone else it does not exist (404)."""
    try:
        conversation = ConversationItem.get(*ConversationItem.key(conversation_id), consistent_read=True)
    except DoesNotExist:
        raise _no_such_conversation() from None
    if principal.user_id not in (conversation.user_ids or []):
        raise _no_such_conversation()
    return conversation


def _participant(conversation_id: str, user_id: str) -> ParticipantItem:
    return ParticipantItem.get(*ParticipantItem.key(conversation_id, user_id), consistent_read=True)


def _blocked_either_way(user_a: str, user_b: str) -> bool:
    keys = [BlockItem.key(user_a, user_b), BlockItem.key(user_b, user_a)]
    return any(True for _ in BlockItem.batch_get(keys, attributes_to_get=["pk"]))


def _verified_neighbourhood(user_id: str | None) -> str | None:
    try:
        user = load_user(user_id)
    except NotFound:
        return None
    return user.neighbourhood_id if user.residence_status == "verified" else None


def _messages_of(user_id: str) -> list[MessageItem]:
    return list(MessageItem.gsi1.query(MessageItem.author_key(user_id)))


def _forget_preview(conversation_id: str, user_id: str, *, author_id: str) -> None:
    """The other side's list may show the start of an erased user's message: it goes too."""
    try:
        ParticipantItem(*ParticipantItem.key(conversation_id, user_id)).update(
            actions=[ParticipantItem.last_preview.remove(), ParticipantItem.last_author_id.remove()],
            condition=ParticipantItem.last_author_id == author_id)
    except UpdateError as error:
        if not condition_failed(error):
            raise


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW_LENGTH else text[:PREVIEW_LENGTH - 1].rstrip() + "…"


def _conversation_public(item: ParticipantItem, blocked: bool = False) -> ConversationPublic:
    about = AboutPublic(kind=item.about_kind, id=item.about_id) if item.about_kind else None  # type: ignore[arg-type]
    return ConversationPublic(id=item.conversation_id, with_user_id=item.with_user_id, about=about,
                              created_at=item.created_at, last_message_at=item.last_message_at,
                              unread=int(item.unread or 0), last_message=item.last_preview,
                              last_message_mine=item.last_author_id == item.user_id and item.last_preview is not None,
                              blocked=blocked)


def _public(message: MessageItem, viewer_id: str | None = None) -> MessagePublic:
    """A message a moderator hid stays in place; its text only to its author (`viewer_id`)."""
    hidden = bool(message.hidden)
    text = None if hidden and viewer_id != message.author_id else message.text
    return MessagePublic(id=message.message_id, conversation_id=message.conversation_id, author_id=message.author_id,
                         text=text, deleted=bool(message.deleted), created_at=message.created_at, hidden=hidden,
                         hidden_reason=message.hidden_reason if hidden else None,
                         hidden_reason_text=reason_text(message.hidden_reason, DEFAULT, message.hidden_note)
                         if hidden else None)


def _retrying(write: Any, attempts: int = 5) -> None:
    """Run a transaction, again when it lost a race with another one on the same items."""
    for attempt in range(attempts):
        try:
            return write()
        except TransactWriteError as error:
            codes = {reason.code for reason in (error.cancellation_reasons or []) if reason is not None}
            if "TransactionConflict" not in codes or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
