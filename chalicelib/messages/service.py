"""Private 1:1 conversations between verified residents of the same neighbourhood.

One conversation per pair of users: its id derives from the sorted pair and its item is written
with attribute_not_exists, so two concurrent starts end in the same conversation. A message, its
lookup item, both participants' items (the other's `unread` gets ADD 1) and the week's `messages`
counter are one transaction. Only the two participants see a conversation; to anyone else it does
not exist (404). A block (either direction) stops messages (403). A message is content of the kernel
(kind `message`): its participants report it, the neighbourhood's moderators hide it in place.
Somewhat over 400 lines for a reason: conversations, messages, blocks, the badges and the kernel's hooks all
rest on the one participation check and the one per-user index partition (`USER#<id>#CONVS`) kept here.
docs/data-model.md lists the keys.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.models import UserItem
from chalicelib.accounts.secrets import vouch, vouched
from chalicelib.accounts.service import load_user, verified_neighbourhood
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.content import kinds
from chalicelib.content.counters import count_in_week
from chalicelib.content.once import is_newcomer, welcomed
from chalicelib.content.hiding import described, hidden_fields, in_place, withheld
from chalicelib.content.kinds import Content, ContentKind, Known
from chalicelib.errors import Forbidden, InvalidInput, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.lending.models import LendingLink
from chalicelib.messages.models import (
    AboutPublic, BlockItem, BlockPublic, ConversationItem, ConversationList, ConversationPublic, ConversationStart,
    MessageItem, MessagePage, MessagePublic, MessageRefItem, MessageReportRequest, MessageRequest, MessagesQuery,
    Badges, ConversationRead, ParticipantItem, ReportPublic, Unread,
)
from chalicelib.moderation.service import write_report
from chalicelib.notifications.unread import UnreadWatchItem
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.ratelimit import limit
from chalicelib.store.pages import encode_cursor, read_cursor
from chalicelib.store.table import condition_failed, refused_conditions, table_connection, transaction
from chalicelib.volunteering import buddies, offers as volunteering_offers

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
    mine = verified_neighbourhood(me)
    other = request.with_user_id
    recipient = _verified_resident(other)
    if mine is None or other == me or recipient is None or recipient.neighbourhood_id != mine:
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
    _send(me, conversation_id, mine, other, request.text, newcomer=is_newcomer(recipient.verified_at))
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
    mine = verified_neighbourhood(me)
    recipient = _verified_resident(other)
    if mine is None or recipient is None or recipient.neighbourhood_id != mine:
        raise Forbidden("You cannot message this neighbour.", {"conversation_id": CANNOT})
    limit("messages", me, MESSAGES_PER_10_MINUTES, 600)
    return _public(_send(me, conversation_id, mine, other, request.text, newcomer=is_newcomer(recipient.verified_at)))


def messages(principal: Principal, conversation_id: str, query: MessagesQuery) -> MessagePage:
    """Newest first, one Query a page. Reading writes nothing: the web app says it read the conversation
    (`mark_read`). Who takes part is told by the page itself (`_page_shows_participant`), or by the cursor of the
    page before (its proof that this reader takes part: who takes part never changes); only a page that can tell
    neither (the first, empty or of an erased account's messages only) costs the conversation's GetItem. Anyone
    else is told it does not exist (404)."""
    partition = MessageItem.partition(conversation_id)
    start_key, extra = read_cursor(query.cursor, partition=partition, sort_pattern=_CURSOR_SK, what="conversation",
                                   extra=("proof",)) if query.cursor else (None, {})
    page = table_connection().query(partition, limit=query.limit, scan_index_forward=False,
                                    exclusive_start_key=start_key)
    items = [MessageItem.from_raw_data(raw) for raw in page.get("Items", [])]
    if not (_page_shows_participant(principal.user_id, conversation_id, items)
            or (start_key is not None and vouched(extra, principal.user_id, partition, 0))):
        participating(principal, conversation_id)
    found = [_public(item, principal.user_id) for item in items]
    last = page.get("LastEvaluatedKey")
    return MessagePage(messages=found,
                       cursor=encode_cursor(last, vouch(principal.user_id, partition)) if last else None)


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
    # The block and its copy on the profile (`UserItem.blocked`, read by the weekly digest) change together.
    with transaction() as t:
        t.save(BlockItem(*BlockItem.key(principal.user_id, user_id), created_at=now()))
        t.update(UserItem(*UserItem.key(principal.user_id)), actions=[UserItem.blocked.add({user_id})],
                 condition=UserItem.pk.exists())
    _mark_blocking(principal.user_id, user_id, ParticipantItem.blocking.set(True))
    # Volunteering keeps them apart too: off each other's "who can help", no welcome buddy pair between them.
    volunteering_offers.blocks_changed(principal.user_id, user_id, True)
    buddies.end_pairs_between(principal.user_id, user_id)
    return BlockPublic(user_id=user_id, blocked=True)


def unblock(principal: Principal, user_id: str) -> None:
    with transaction() as t:
        t.delete(BlockItem(*BlockItem.key(principal.user_id, user_id)))
        t.update(UserItem(*UserItem.key(principal.user_id)), actions=[UserItem.blocked.delete({user_id})],
                 condition=UserItem.pk.exists())
    _mark_blocking(principal.user_id or "-", user_id, ParticipantItem.blocking.remove())
    volunteering_offers.blocks_changed(principal.user_id or "-", user_id, False)


def _mark_blocking(me: str, other: str, action: Any) -> None:
    """My side of our conversation, if we have one, says whether I block them (my list shows it). The
    BlockItem is what refuses messages; this copy follows it (block and unblock may be repeated)."""
    try:
        ParticipantItem(*ParticipantItem.key(conversation_id_of(me, other), me)).update(
            actions=[action], condition=ParticipantItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


def copy_blocks_to_profiles() -> int:
    """Once, after upgrading to the profiles' copy of blocks (`UserItem.blocked`, which the weekly digest reads):
    copy every existing block onto its blocker's profile (`./noper copy-blocks`; idempotent, an ADD to a set).
    An operator's one-off, never a request: it Scans the table for block items. Answers how many it copied."""
    copied = 0
    for block in BlockItem.scan(BlockItem.pk.startswith("USER#") & BlockItem.pk.contains("#BLOCKS")):
        if not block.pk.endswith("#BLOCKS"):
            continue
        user_id = block.pk.removeprefix("USER#").removesuffix("#BLOCKS")
        try:
            UserItem(*UserItem.key(user_id)).update(actions=[UserItem.blocked.add({block.sk})],
                                                    condition=UserItem.pk.exists())
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue  # the blocker's account is gone
        copied += 1
    return copied


def copy_blocks_to_volunteering() -> int:
    """Once, after upgrading to skills offered and welcome buddies (issue #12): note every existing block on both
    people's volunteering profiles, so that neither finds the other in "who can help" nor is offered as a buddy
    (`./noper copy-blocks-to-volunteering`; idempotent, ADDs to sets). An operator's one-off: a Scan of the blocks."""
    copied = 0
    for block in BlockItem.scan(BlockItem.pk.startswith("USER#") & BlockItem.pk.contains("#BLOCKS")):
        if not block.pk.endswith("#BLOCKS"):
            continue
        volunteering_offers.blocks_changed(block.pk.removeprefix("USER#").removesuffix("#BLOCKS"), block.sk, True)
        copied += 1
    return copied


# --- reports: a message is content of the kernel -------------------------------------------

def report_message(principal: Principal, message_id: str, request: MessageReportRequest) -> ReportPublic:
    """A participant reports a message of their conversation (once); it goes to the queue of the
    conversation's neighbourhood. To anyone else the message does not exist (404)."""
    content = _readable_message(principal, message_id)
    item = write_report(principal, content, request.reason, request.text)
    return ReportPublic(id=item.report_id, conversation_id=item.conversation_id, message_id=message_id,
                        reason=request.reason, text=item.text, created_at=item.created_at)


def _message_content(message_id: str, known: Known | None = None, *, ref: MessageRefItem | None = None,
                     conversation: ConversationItem | None = None) -> Content | None:
    """A message as the kernel sees it: from the reports queue, which knows its conversation and
    neighbourhood, one GetItem; otherwise its lookup item and its conversation first."""
    try:
        if known is not None and known.where.get("conversation_id"):
            conversation_id, neighbourhood_id = known.where["conversation_id"], known.neighbourhood_id
        else:
            ref = ref or MessageRefItem.get(*MessageRefItem.key(message_id), consistent_read=True)
            conversation = conversation or ConversationItem.get(*ConversationItem.key(ref.conversation_id))
            conversation_id, neighbourhood_id = ref.conversation_id, conversation.neighbourhood_id
        message = MessageItem.get(MessageItem.partition(conversation_id), message_id, consistent_read=True)
    except DoesNotExist:
        return None
    return described("message", message_id, neighbourhood_id, message, where={"conversation_id": conversation_id})


def _readable_message(principal: Principal, message_id: str) -> Content:
    missing = NotFound("No such message.", {"message_id": "not found"})
    try:
        ref = MessageRefItem.get(*MessageRefItem.key(message_id), consistent_read=True)
        conversation = participating(principal, ref.conversation_id)
    except (DoesNotExist, NotFound):
        raise missing from None
    content = _message_content(message_id, ref=ref, conversation=conversation)
    if content is None or content.deleted:
        raise missing
    return content


def _message_stored(message_id: str, known: Known | None):
    """Where a reported message is stored, when the report names its conversation (the reports queue)."""
    if known is None or not known.where.get("conversation_id"):
        return None
    conversation_id = known.where["conversation_id"]
    return ((MessageItem.partition(conversation_id), message_id),
            lambda raw: described("message", message_id, known.neighbourhood_id, MessageItem.from_raw_data(raw),
                                  where={"conversation_id": conversation_id}))


kinds.register(ContentKind(name="message", load=_message_content, readable=_readable_message,
                           hide=in_place(MessageItem), stored=_message_stored))


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
        kinds.changed("message", message.message_id)  # its open reports show it authorless (or gone)
    for participant in ParticipantItem.gsi1.query(ParticipantItem.mine(user_id), CONVERSATIONS):
        _forget_preview(participant.conversation_id, participant.with_user_id, author_id=user_id)
        participant.delete()
    for blocked in BlockItem.query(f"USER#{user_id}#BLOCKS"):
        blocked.delete()


register_content_owner(ContentOwner(name="messages", export=export_messages, erase=erase_messages))


# --- inside ---------------------------------------------------------------------------------

def _verified_resident(user_id: str | None) -> UserItem | None:
    """The account of a verified resident (its neighbourhood, when it was verified); None for anyone else."""
    try:
        user = load_user(user_id)
    except NotFound:
        return None
    return user if user.residence_status == "verified" else None


def _send(me: str, conversation_id: str, neighbourhood_id: str, other: str, text: str,
          newcomer: bool = False) -> MessageItem:
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
            count_in_week(t, neighbourhood_id, messages=1)

    _retrying(write)
    if newcomer:  # in their first week: a neighbour writing to them welcomes them (counted once)
        welcomed(me, other, neighbourhood_id)
    logger.info("message sent", nbh=neighbourhood_id)
    return message


def _about(principal: Principal, request: ConversationStart) -> tuple[str | None, str | None]:
    if request.about is None:
        return None, None
    kind, content_id = ("post", request.about.post_id) if request.about.post_id else ("item", request.about.item_id)
    kinds.readable(principal, kind, content_id)  # it exists, and I may read it
    return kind, content_id


def participating(principal: Principal, conversation_id: str) -> ConversationItem:
    """The conversation, when the principal takes part in it; to anyone else it does not exist (404)."""
    try:
        conversation = ConversationItem.get(*ConversationItem.key(conversation_id), consistent_read=True)
    except DoesNotExist:
        raise _no_such_conversation() from None
    if principal.user_id not in (conversation.user_ids or []):
        raise _no_such_conversation()
    return conversation


def _page_shows_participant(user_id: str | None, conversation_id: str, items: list[MessageItem]) -> bool:
    """True when messages of the conversation prove that `user_id` takes part, without reading it: only its two
    participants write in it, and its id is the hash of their pair (`conversation_id_of`), so a message of mine,
    or of someone whose pair with me hashes to this id, is proof. False when the page cannot tell (empty, or only
    messages of an erased account): the caller reads the conversation."""
    if not user_id:
        return False
    authors = {item.author_id for item in items if item.author_id}
    return user_id in authors or any(conversation_id_of(user_id, other) == conversation_id for other in authors)


def _participant(conversation_id: str, user_id: str) -> ParticipantItem:
    return ParticipantItem.get(*ParticipantItem.key(conversation_id, user_id), consistent_read=True)


def _blocked_either_way(user_a: str, user_b: str) -> bool:
    keys = [BlockItem.key(user_a, user_b), BlockItem.key(user_b, user_a)]
    return any(True for _ in BlockItem.batch_get(keys, attributes_to_get=["pk"]))


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
    return MessagePublic(id=message.message_id, conversation_id=message.conversation_id, author_id=message.author_id,
                         text=None if withheld(message, viewer_id) else message.text, deleted=bool(message.deleted),
                         created_at=message.created_at, **hidden_fields(message, DEFAULT))


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
