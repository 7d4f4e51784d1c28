"""The commune's audit log: every decision its staff take, for its admins to read.

One entry per decision (pk `COMMUNE#<lau2>#AUDIT`, sk `<ISO time>#<ULID>`): who (a staff account id),
what (`AuditAction`), about what (subject type and id) and why (the reason given, when one is). It is
the commune-wide sibling of a neighbourhood's moderation log (chalicelib/moderation, `NBH#<id>#AUDIT`),
with the same key shape and the same page cursor.

Where the decision is one transaction (a verification, an announcement review, a consultation's
publication), `entry` is saved inside it; elsewhere `record` writes it on the decision's own write
path, right after the decision's write succeeded. Entries hold ids, never what residents wrote, and
never a resident's name. They do hold the name of the staff member who decided, as it was at the
decision (`actor_name`, read from their account when the entry is written; decisions are rare writes),
as an audit log records who acted as known then: the log's page is then its one Query (#16). That name
never outlives the account: an entry with a name is indexed by its actor (gsi1 `AUDIT#BY#<user id>`,
sparse), and erasing the account blanks the name on each of its entries (`forget_actor`). An entry
without `actor_name` (written before names were kept; `./noper name-audit-entries` fills them) costs
its page one BatchGetItem of the accounts, for their names as they are now; an empty name is none
(no name chosen, an erased account, the operator's command line).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import ConfigDict, Field
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import UpdateError

from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.store.pages import TIME_ID_SK, PageCursor, decode_cursor, encode_cursor
from chalicelib.store.table import Entity, Gsi1, condition_failed, table_connection

AuditAction = Literal[
    "residence_approved", "residence_rejected", "letters_printed",
    "ambassador_appointed", "ambassador_dismissed", "moderator_appointed", "moderator_dismissed",
    "publisher_registered", "publisher_suspended", "publisher_activated", "publishing_settings_changed",
    "publisher_link_issued", "publisher_link_revoked",
    "announcement_approved", "announcement_rejected", "announcement_withdrawn", "event_approved", "event_refused",
    "event_withdrawn", "call_approved", "call_refused", "call_withdrawn",
    "consultation_published", "neighbourhoods_published", "address_import_started", "address_import_confirmed",
    "commune_settings_changed", "staff_role_granted", "staff_role_withdrawn",
    "budget_edition_created", "budget_edition_changed", "budget_phase_changed", "budget_proposal_feasible",
    "budget_proposal_not_feasible", "budget_proposals_merged", "budget_cards_printed", "budget_paper_ballot_entered",
    "budget_results_published", "budget_implementation_updated",
]
SubjectType = Literal[
    "resident", "letter_batch", "publisher", "publisher_link", "announcement", "consultation",
    "neighbourhoods", "address_import", "commune", "staff_role", "event", "call", "budget_edition", "budget_proposal",
]
ACTIONS = frozenset(get_args(AuditAction))
SUBJECTS = frozenset(get_args(SubjectType))
MAX_REASON = 500


# --- stored -------------------------------------------------------------------------------------

class CommuneAuditItem(Entity):
    """One staff decision: pk `COMMUNE#<lau2>#AUDIT`, sk `<ISO time>#<ULID>`; with a name, also on gsi1
    (`AUDIT#BY#<actor id>`, sk the entry's sk) for the erasure of the actor's account."""

    lau2 = UnicodeAttribute()
    action = UnicodeAttribute()
    actor_id = UnicodeAttribute(null=True)  # the staff account; the operator's CLI: null or its label
    # The actor's shown name at the decision; "" for none (never chosen, erased, no account); absent on
    # entries written before names were kept (read from the accounts then).
    actor_name = UnicodeAttribute(null=True)
    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    subject_type = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()

    @staticmethod
    def partition(lau2: str) -> str:
        return f"COMMUNE#{lau2}#AUDIT"

    @staticmethod
    def actor_key(actor_id: str) -> str:
        return f"AUDIT#BY#{actor_id}"

    def named(self, name: str) -> None:
        """Keep the actor's name on the entry, indexed by actor while there is one."""
        self.actor_name = name
        self.gsi1pk = self.actor_key(self.actor_id) if name and self.actor_id else None
        self.gsi1sk = self.sk if name and self.actor_id else None


def entry(lau2: str, action: str, actor_id: str | None, subject_type: str, subject_id: str,
          reason: str | None = None) -> CommuneAuditItem:
    """The entry of one decision, to save in the decision's own transaction (`t.save(entry(...))`)."""
    if action not in ACTIONS or subject_type not in SUBJECTS:
        raise ValueError(f"unknown audit action or subject: {action!r}, {subject_type!r}")
    at = now()
    item = CommuneAuditItem(CommuneAuditItem.partition(lau2), f"{at.isoformat()}#{new_id()}", lau2=lau2,
                            action=action, actor_id=actor_id or None, subject_type=subject_type,
                            subject_id=subject_id, reason=(reason or None) and reason[:MAX_REASON], at=at)
    item.named(actor_names([actor_id]).get(actor_id, "") if actor_id else "")
    return item


def record(lau2: str, action: str, actor_id: str | None, subject_type: str, subject_id: str,
           reason: str | None = None) -> None:
    """Write the entry of a decision that is a single write, once that write succeeded."""
    entry(lau2, action, actor_id, subject_type, subject_id, reason).save()
    logger.info("staff decision recorded", lau2=lau2, action=action, subject_type=subject_type)


# --- request and response -----------------------------------------------------------------------

class AuditQuery(Model):
    model_config = ConfigDict(extra="forbid")
    cursor: PageCursor | None = Field(
        default=None, description="from the previous page: older entries")
    limit: int = Field(default=50, ge=1, le=200)


class StaffRef(Model):
    id: str | None = Field(description="the staff account; for the operator's command line, null or its label")
    name: str | None = Field(description="the staff member's display name at the decision; null once the account "
                                         "is erased or when they had not chosen one (never their email)")


class AuditEntryPublic(Model):
    at: datetime
    action: AuditAction
    by: StaffRef
    subject_type: SubjectType
    subject_id: str
    reason: str | None = Field(description="what the staff member wrote with the decision, when anything")


class AuditLogPublic(Model):
    entries: list[AuditEntryPublic] = Field(description="newest first, a page at a time")
    cursor: str | None = Field(default=None, description="pass it back for older entries; null on the oldest page")


# --- reading ------------------------------------------------------------------------------------

def audit_log(lau2: str, query: AuditQuery | None = None) -> AuditLogPublic:
    """The commune's decisions, newest first: one Query a page (older pages by cursor), each entry with
    its actor's name as it was at the decision. Only entries written before names were kept cost the
    page one BatchGetItem of their staff accounts, for their names as they are now."""
    query = query or AuditQuery()  # no read of the commune: the policy let only its admins in
    partition = CommuneAuditItem.partition(lau2)
    start = decode_cursor(query.cursor, partition=partition, sort_pattern=TIME_ID_SK,
                          what="audit log") if query.cursor else None
    page = table_connection().query(partition, limit=query.limit, scan_index_forward=False, exclusive_start_key=start)
    items = [CommuneAuditItem.from_raw_data(raw) for raw in page.get("Items", [])]
    names = actor_names([item.actor_id for item in items if item.actor_id and item.actor_name is None])
    last = page.get("LastEvaluatedKey")

    def name(item: CommuneAuditItem) -> str | None:
        return (item.actor_name if item.actor_name is not None else names.get(item.actor_id or "")) or None

    return AuditLogPublic(
        entries=[AuditEntryPublic(at=item.at, action=item.action,  # type: ignore[arg-type]
                                  by=StaffRef(id=item.actor_id, name=name(item)),
                                  subject_type=item.subject_type, subject_id=item.subject_id,  # type: ignore[arg-type]
                                  reason=item.reason) for item in items],
        cursor=encode_cursor(last) if last else None)


def actor_names(actor_ids: list[str]) -> dict[str, str]:
    """The shown names of these accounts as they are now (one BatchGetItem; none for no account)."""
    from chalicelib.accounts.models import UserItem

    wanted = sorted(set(actor_ids))
    return {user.user_id: user.shown_name() for user in UserItem.batch_get([UserItem.key(one) for one in wanted])} \
        if wanted else {}


# --- keeping names in step ----------------------------------------------------------------------

def forget_actor(actor_id: str) -> int:
    """Erasing an account: its name leaves every entry it decided (the entries stay, with its id). One Query
    of its entries on gsi1, one UpdateItem each. Answers how many it changed."""
    forgotten = 0
    for item in CommuneAuditItem.gsi1.query(CommuneAuditItem.actor_key(actor_id)):
        try:
            item.update(actions=[CommuneAuditItem.actor_name.set(""), CommuneAuditItem.gsi1pk.remove(),
                                 CommuneAuditItem.gsi1sk.remove()], condition=CommuneAuditItem.pk.exists())
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        forgotten += 1
    return forgotten


def name_entries(lau2: str) -> int:
    """Once when upgrading (`./noper name-audit-entries`): each entry written before names were kept gets its
    actor's name as it is now ("" for an erased account), unless it got one meanwhile (idempotent). One Query
    of the log and one BatchGetItem a hundred entries. Answers how many it named."""
    unnamed = list(CommuneAuditItem.query(CommuneAuditItem.partition(lau2), consistent_read=True,
                                          filter_condition=CommuneAuditItem.actor_name.does_not_exist()))
    named = 0
    for start in range(0, len(unnamed), 100):
        chunk = unnamed[start:start + 100]
        names = actor_names([item.actor_id for item in chunk if item.actor_id])
        for item in chunk:
            item.named(names.get(item.actor_id or "", ""))
            actions = [CommuneAuditItem.actor_name.set(item.actor_name)]
            if item.gsi1pk:
                actions += [CommuneAuditItem.gsi1pk.set(item.gsi1pk), CommuneAuditItem.gsi1sk.set(item.gsi1sk)]
            try:
                item.update(actions=actions, condition=CommuneAuditItem.actor_name.does_not_exist())
            except UpdateError as error:
                if not condition_failed(error):
                    raise
                continue
            named += 1
    return named
