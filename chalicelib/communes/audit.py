"""The commune's audit log: every decision its staff take, for its admins to read.

One entry per decision (pk `COMMUNE#<lau2>#AUDIT`, sk `<ISO time>#<ULID>`): who (a staff account id),
what (`AuditAction`), about what (subject type and id) and why (the reason given, when one is). It is
the commune-wide sibling of a neighbourhood's moderation log (chalicelib/moderation, `NBH#<id>#AUDIT`),
with the same key shape and the same page cursor.

Where the decision is one transaction (a verification, an announcement review, a consultation's
publication), `entry` is saved inside it; elsewhere `record` writes it on the decision's own write
path, right after the decision's write succeeded. Entries hold ids, never what residents wrote, and
never a resident's name (a name erased with its account would otherwise live on here); the log shows
the staff member's name as it is now, read when the page is read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import ConfigDict, Field
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.store.pages import TIME_ID_SK, PageCursor, decode_cursor, encode_cursor
from chalicelib.store.table import Entity, table_connection

AuditAction = Literal[
    "residence_approved", "residence_rejected", "letters_printed",
    "ambassador_appointed", "ambassador_dismissed", "moderator_appointed", "moderator_dismissed",
    "publisher_registered", "publisher_suspended", "publisher_activated", "publishing_settings_changed",
    "publisher_link_issued", "publisher_link_revoked",
    "announcement_approved", "announcement_rejected", "announcement_withdrawn", "event_approved", "event_refused",
    "event_withdrawn",
    "consultation_published", "neighbourhoods_published", "address_import_started", "address_import_confirmed",
    "commune_settings_changed", "staff_role_granted", "staff_role_withdrawn",
]
SubjectType = Literal[
    "resident", "letter_batch", "publisher", "publisher_link", "announcement", "consultation",
    "neighbourhoods", "address_import", "commune", "staff_role", "event",
]
ACTIONS = frozenset(get_args(AuditAction))
SUBJECTS = frozenset(get_args(SubjectType))
MAX_REASON = 500


# --- stored -------------------------------------------------------------------------------------

class CommuneAuditItem(Entity):
    """One staff decision: pk `COMMUNE#<lau2>#AUDIT`, sk `<ISO time>#<ULID>`."""

    lau2 = UnicodeAttribute()
    action = UnicodeAttribute()
    actor_id = UnicodeAttribute(null=True)  # the staff account; the operator's CLI: null or its label
    subject_type = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()

    @staticmethod
    def partition(lau2: str) -> str:
        return f"COMMUNE#{lau2}#AUDIT"


def entry(lau2: str, action: str, actor_id: str | None, subject_type: str, subject_id: str,
          reason: str | None = None) -> CommuneAuditItem:
    """The entry of one decision, to save in the decision's own transaction (`t.save(entry(...))`)."""
    if action not in ACTIONS or subject_type not in SUBJECTS:
        raise ValueError(f"unknown audit action or subject: {action!r}, {subject_type!r}")
    at = now()
    return CommuneAuditItem(CommuneAuditItem.partition(lau2), f"{at.isoformat()}#{new_id()}", lau2=lau2,
                            action=action, actor_id=actor_id or None, subject_type=subject_type,
                            subject_id=subject_id, reason=(reason or None) and reason[:MAX_REASON], at=at)


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
    name: str | None = Field(description="the staff member's display name now; null once the account is erased "
                                         "or when they never gave one (never their email)")


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
    """The commune's decisions, newest first: one Query a page (older pages by cursor), then one
    BatchGetItem of the page's staff accounts for their names."""
    from chalicelib.accounts.models import UserItem

    query = query or AuditQuery()  # no read of the commune: the policy let only its admins in
    partition = CommuneAuditItem.partition(lau2)
    start = decode_cursor(query.cursor, partition=partition, sort_pattern=TIME_ID_SK,
                          what="audit log") if query.cursor else None
    page = table_connection().query(partition, limit=query.limit, scan_index_forward=False, exclusive_start_key=start)
    items = [CommuneAuditItem.from_raw_data(raw) for raw in page.get("Items", [])]
    actors = sorted({item.actor_id for item in items if item.actor_id})
    names = {user.user_id: user.shown_name() or None
             for user in UserItem.batch_get([UserItem.key(actor) for actor in actors])} if actors else {}
    last = page.get("LastEvaluatedKey")
    return AuditLogPublic(
        entries=[AuditEntryPublic(at=item.at, action=item.action,  # type: ignore[arg-type]
                                  by=StaffRef(id=item.actor_id, name=names.get(item.actor_id or "")),
                                  subject_type=item.subject_type, subject_id=item.subject_id,  # type: ignore[arg-type]
                                  reason=item.reason) for item in items],
        cursor=encode_cursor(last) if last else None)
