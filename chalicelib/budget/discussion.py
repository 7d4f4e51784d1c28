"""A proposal is a piece of content of the kernel (kind `budget_proposal`): residents discuss it with the shared
comments (chalicelib/comments/), as they do events and calls for volunteers. The piece's id is
`<edition_id>.<proposal_id>`; its neighbourhood is its proposer's (where its comments count and are moderated).
The thread's head names the commune: its comments are read by the commune's verified residents and staff, as the
proposal is, in one Query (strangers get 404). Once the results are published, the edition is public and so are its
proposals' discussions: `open_threads` marks their heads `public` (anyone reads; only the commune's residents write).
Reported, it goes to its proposer's neighbourhood's queue; hidden by a moderator, it and its thread are its author's
and the budget staff's only (the head's `only_among`, published or not), and it leaves the ballot (ballots.py,
results.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.budget.models import EditionItem, ProposalItem
from chalicelib.comments.models import ThreadHeadItem
from chalicelib.comments.service import thread_head
from chalicelib.content import kinds
from chalicelib.content.hiding import in_place
from chalicelib.content.kinds import Change, Content, ContentKind, Known
from chalicelib.errors import NotFound
from chalicelib.policy import Principal, allows, commune_of
from chalicelib.store.table import read_items

KIND = "budget_proposal"


def content_id(edition_id: str, proposal_id: str) -> str:
    return f"{edition_id}.{proposal_id}"


def _split(piece_id: str) -> tuple[str, str]:
    edition_id, _, proposal_id = piece_id.partition(".")
    return edition_id, proposal_id


def _not_found() -> NotFound:
    return NotFound("No such proposal.", {"proposal_id": "not found"})


def head_of(lau2: str, edition_id: str, proposal_id: str, public: bool = False, hidden_for: str | None = None) -> Any:
    """The head of a proposal's thread: the commune's, or anyone's once `public`; while a moderator hides the proposal,
    its author's only (`hidden_for`) besides the budget staff."""
    return thread_head(KIND, content_id(edition_id, proposal_id), [lau2], public=public,
                       only_among=None if hidden_for is None else [hidden_for])


def open_threads(lau2: str, proposals: Iterable[ProposalItem]) -> None:
    """The results are published: every proposal's discussion is read by anyone, as the proposal is (a batch of
    heads; a hidden one stays its author's; an imported proposal has no discussion)."""
    with ThreadHeadItem.batch_write() as batch:
        for item in proposals:
            if item.neighbourhood_id:
                batch.save(head_of(lau2, item.edition_id, item.proposal_id, public=True,
                                   hidden_for=(item.author_id or "") if item.hidden else None))


def _may(principal: Principal, lau2: str) -> bool:
    return principal.works_for(lau2) or (principal.residence_status == "verified" and principal.neighbourhood_id
                                         is not None and commune_of(principal.neighbourhood_id) == lau2)


def thread_readable(principal: Principal, head: Any) -> None:
    if head.public:
        return
    if not head.neighbourhood_ids or not _may(principal, head.neighbourhood_ids[0]):
        raise _not_found()


def _content(item: ProposalItem) -> Content:
    return Content(kind=KIND, id=content_id(item.edition_id, item.proposal_id), neighbourhood_id=item.neighbourhood_id
                   or "", author_id=item.author_id, item=item, hidden=bool(item.hidden), hidden_reason=item.hidden_reason,
                   hidden_by=item.hidden_by, created_at=item.created_at, title=item.title, text=item.description,
                   thanks_count=int(item.thanks_count or 0),
                   where={"edition_id": item.edition_id, "proposal_id": item.proposal_id,
                          "budget_proposal_id": content_id(item.edition_id, item.proposal_id)})


def _load(piece_id: str, known: Known | None = None) -> Content | None:
    try:
        return _content(ProposalItem.get(*ProposalItem.key(*_split(piece_id)), consistent_read=True))
    except ProposalItem.DoesNotExist:
        return None


def _readable(principal: Principal, piece_id: str) -> Content:
    """The commune's verified residents and staff; a proposal without a neighbourhood (imported) has no thread."""
    edition_id, proposal_id = _split(piece_id)
    keys = [EditionItem.key(edition_id), ProposalItem.key(edition_id, proposal_id)]
    found = read_items(keys, consistent=True)
    if keys[0] not in found or keys[1] not in found:
        raise _not_found()
    edition, item = EditionItem.from_raw_data(found[keys[0]]), ProposalItem.from_raw_data(found[keys[1]])
    if not item.neighbourhood_id or not _may(principal, edition.lau2) or not shown_to(principal, edition.lau2, item):
        raise _not_found()
    return _content(item)


def shown_to(principal: Principal, lau2: str, item: ProposalItem) -> bool:
    """A proposal a moderator hid shows to its author and to the commune's staff who manage budgets (to review it)
    only; to anyone else it does not exist (its page, the list, its thread, a report)."""
    return (not item.hidden or (principal.user_id is not None and item.author_id == principal.user_id)
            or allows("budget.manage", principal, {"lau2": lau2}))


def _thread_unless_hidden(principal: Principal, head: Any) -> None:
    """While hidden, the head names who still reads the thread (`only_among`: its author) besides the budget staff."""
    thread_readable(principal, head)
    if head.only_among is not None and principal.user_id not in head.only_among \
            and not allows("budget.manage", principal, {"lau2": head.neighbourhood_ids[0]}):
        raise _not_found()


def _head_as_hidden(t: Any, content: Content, change: Change) -> None:
    """The thread's head follows a moderator's decision, in its transaction (public still, once published)."""
    from chalicelib.budget.editions import load

    edition_id, proposal_id = _split(content.id)
    edition = load(edition_id, consistent=True)
    t.save(head_of(commune_of(content.neighbourhood_id), edition_id, proposal_id,
                   public=edition is not None and edition.results_published_at is not None,
                   hidden_for=(content.author_id or "") if change.hide else None))


def _count(t: Any, content: Content, **deltas: int) -> None:
    t.update(ProposalItem(*ProposalItem.key(*_split(content.id))),
             actions=[getattr(ProposalItem, name).add(delta) for name, delta in deltas.items()],
             condition=ProposalItem.pk.exists())


def in_commune(lau2: str, edition_id: str, proposal_id: str) -> str:
    """The piece's id, once the path's commune is the edition's (another commune's path: 404)."""
    from chalicelib.budget.editions import load

    item = load(edition_id)
    if item is None or item.lau2 != lau2:
        raise _not_found()
    return content_id(edition_id, proposal_id)


kinds.register(ContentKind(name=KIND, load=_load, readable=_readable,
                           hide=in_place(ProposalItem, also=_head_as_hidden), count=_count,
                           thread_readable=_thread_unless_hidden,
                           stored=lambda piece_id, known: (ProposalItem.key(*_split(piece_id)),
                                                           lambda raw: _content(ProposalItem.from_raw_data(raw)))))
