"""Roles beyond "resident": commune staff, neighbourhood ambassadors, commune moderators, operators.

Staff grants are stored on the account as `<lau2>:<role>` (a string set, changed by atomic ADD and
DELETE), ambassadorships as neighbourhood ids, commune moderators as lau2 codes, the operator as a
flag. The operator's CLI grants staff and operator roles (`./noper staff|operator ...`); the commune's admins
grant staff roles by email and appoint ambassadors and moderators from the admin page (`./noper
ambassador|moderator ...` too), never for themselves. Each role held in a commune also has a `RoleHolderItem`,
so that the admin page lists who holds what with one Query; every staff decision is in the audit log.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.accounts.models import (
    STAFF_ROLES,
    AmbassadorHolderPublic,
    CommuneRolesPublic,
    EmailItem,
    RoleHolderItem,
    RoleResidentPublic,
    StaffMemberPublic,
    UserItem,
    VerifiedResidentList,
    VerifiedResidentPublic,
)
from chalicelib.accounts.signin import account_for_email, keep_sessions_in_step
from chalicelib.communes import audit
from chalicelib.communes.service import get_commune
from chalicelib.adapters.clock import now
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.observability import logger
from chalicelib.policy import Principal, not_own_case
from chalicelib.store.table import condition_failed
from chalicelib.accounts.models import ModeratorPublic
from chalicelib.verification.models import AmbassadorPublic


def account_of(email: str) -> UserItem:
    """The account of an email, without creating one."""
    try:
        return UserItem.get(*UserItem.key(EmailItem.get(*EmailItem.key(email)).user_id))
    except DoesNotExist:
        raise NotFound(f"No account for {email}.", {"email": "no account"}) from None


def _held(lau2: str, role: str, user_id: str, held: bool) -> None:
    """The commune's list of role holders follows the account's write (see `RoleHolderItem`)."""
    if held:
        RoleHolderItem(*RoleHolderItem.key(lau2, role, user_id), lau2=lau2, role=role, user_id=user_id,
                       since=now()).save()
    else:
        RoleHolderItem(*RoleHolderItem.key(lau2, role, user_id)).delete()


def grant_staff(email: str, lau2: str, role: str, actor: Principal | None = None) -> UserItem:
    """Make the email's account staff of the commune (creating the account, as sign-in would). An admin
    never grants themselves a role (403); every grant is in the audit log (the operator's CLI: actor None)."""
    if role not in STAFF_ROLES:
        raise InvalidInput(f"A staff role is one of {', '.join(STAFF_ROLES)}.", {"role": "unknown role"})
    get_commune(lau2)
    if actor is not None and actor.user_id is not None:
        try:
            not_own_case("staff.manage", actor, [account_of(email).user_id])
        except NotFound:
            pass  # a new account: not the actor's
    user = account_for_email(email)
    user.update(actions=[UserItem.staff.add({f"{lau2}:{role}"})])
    _held(lau2, role, user.user_id, True)
    keep_sessions_in_step(user.user_id)
    audit.record(lau2, "staff_role_granted", actor.user_id if actor else None, "staff_role", f"{user.user_id}:{role}")
    logger.info("staff role granted", user_id=user.user_id, lau2=lau2, role=role)
    return user


def revoke_staff(email: str, lau2: str, role: str | None = None) -> UserItem:
    """Take one staff role of the commune away, or all of them when `role` is None (the operator's CLI)."""
    return _withdraw(account_of(email), lau2, role, None)


def withdrawn_by_admin(lau2: str, user_id: str, role: str, actor: Principal) -> StaffMemberPublic:
    """An admin withdraws a staff role of their commune from someone else (never from themselves: 403)."""
    not_own_case("staff.manage", actor, [user_id])
    try:
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        raise NotFound("No staff member of this commune under this id.", {"user_id": "not staff here"}) from None
    if f"{lau2}:{role}" not in (user.staff or set()):
        raise NotFound("This account does not hold this role in the commune.", {"role": "not held"})
    user = _withdraw(user, lau2, role, actor)
    return _staff_public(user, lau2)


def granted_by_admin(lau2: str, email: str, role: str, actor: Principal) -> StaffMemberPublic:
    return _staff_public(grant_staff(email, lau2, role, actor=actor), lau2)


def _withdraw(user: UserItem, lau2: str, role: str | None, actor: Principal | None) -> UserItem:
    grants = {g for g in user.staff or () if g.split(":", 1)[0] == lau2 and role in (None, g.split(":", 1)[1])}
    if grants:
        user.update(actions=[UserItem.staff.delete(grants)])
        for grant in sorted(grants):
            _held(lau2, grant.split(":", 1)[1], user.user_id, False)
        keep_sessions_in_step(user.user_id)
        for grant in sorted(grants):
            audit.record(lau2, "staff_role_withdrawn", actor.user_id if actor else None, "staff_role",
                         f"{user.user_id}:{grant.split(':', 1)[1]}")
        logger.info("staff role revoked", user_id=user.user_id, lau2=lau2, roles=sorted(grants))
    return user


def _staff_roles(user: UserItem, lau2: str) -> list:
    held = {g.split(":", 1)[1] for g in user.staff or () if g.split(":", 1)[0] == lau2}
    return [role for role in STAFF_ROLES if role in held]


def _staff_public(user: UserItem, lau2: str) -> StaffMemberPublic:
    return StaffMemberPublic(user_id=user.user_id, email=user.email, name=user.shown_name(),
                             roles=_staff_roles(user, lau2))


def commune_roles(lau2: str) -> CommuneRolesPublic:
    """Who holds which role in the commune now: one Query of its role holders, one BatchGetItem of their
    accounts; a role the account no longer holds (or an erased account) is left out. The commune is not read:
    the policy let in only its admins."""
    holders = list(RoleHolderItem.query(RoleHolderItem.partition(lau2)))
    ids = sorted({holder.user_id for holder in holders})
    users = {user.user_id: user for user in UserItem.batch_get([UserItem.key(i) for i in ids])} if ids else {}
    staff, moderators, ambassadors = [], [], []
    for user_id in ids:
        user = users.get(user_id)
        if user is None:
            continue
        if _staff_roles(user, lau2):
            staff.append(_staff_public(user, lau2))
        if user.lau2 == lau2 and lau2 in (user.moderator_of or set()):
            moderators.append(RoleResidentPublic(user_id=user_id, name=user.shown_name(),
                                                 neighbourhood_id=user.neighbourhood_id or ""))
        if user.lau2 == lau2 and user.ambassador_of:
            ambassadors.append(AmbassadorHolderPublic(user_id=user_id, name=user.shown_name(),
                                                      neighbourhood_id=user.neighbourhood_id or "",
                                                      ambassador_of=sorted(user.ambassador_of)))
    by_name = lambda holder: (holder.name.casefold(), holder.user_id)  # noqa: E731
    return CommuneRolesPublic(staff=sorted(staff, key=by_name), moderators=sorted(moderators, key=by_name),
                              ambassadors=sorted(ambassadors, key=by_name))


def verified_residents(lau2: str, neighbourhood_id: str) -> VerifiedResidentList:
    """The verified residents of one of the commune's neighbourhoods, by name, for staff to appoint one:
    one Query of the neighbourhood's residents (names only, never addresses or emails), which starts at the
    neighbourhood's `ResidentsHeadItem` (written with its publication): without it, the neighbourhood is not
    published (404). A neighbourhood's id starts with its commune's. Neighbourhoods published before the head
    existed (until `./noper head-residents`) are read when nobody lives there, as before."""
    from chalicelib.accounts.service import residents_key
    from chalicelib.neighbourhoods.models import NeighbourhoodItem, ResidentsHeadItem
    from chalicelib.store.table import GSI1, table_connection

    elsewhere = NotFound("No neighbourhood of this commune under this id.", {"nbh_id": "not in this commune"})
    if not neighbourhood_id.startswith(f"{lau2}-"):
        raise elsewhere
    verified, headed, start = [], False, None
    while True:
        page = table_connection().query(residents_key(neighbourhood_id), UserItem.gsi1sk.startswith(ResidentsHeadItem.SORT),
                                        index_name=GSI1, exclusive_start_key=start)
        for raw in page.get("Items", []):
            if raw["gsi1sk"]["S"] == ResidentsHeadItem.SORT:
                headed = raw.get("lau2", {}).get("S") == lau2
            else:
                verified.append(UserItem.from_raw_data(raw))
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    if not verified and not headed:
        try:
            NeighbourhoodItem.get(*NeighbourhoodItem.key(lau2, neighbourhood_id), attributes_to_get=["id"])
        except DoesNotExist:
            raise elsewhere from None
    listed = [VerifiedResidentPublic(user_id=user.user_id, name=user.shown_name(),
                                     ambassador=neighbourhood_id in (user.ambassador_of or set()),
                                     moderator=lau2 in (user.moderator_of or set())) for user in verified]
    return VerifiedResidentList(residents=sorted(listed, key=lambda r: (r.name.casefold(), r.user_id)))


def make_operator(email: str, operator: bool = True) -> UserItem:
    user = account_for_email(email) if operator else account_of(email)
    user.update(actions=[UserItem.operator.set(operator)])
    keep_sessions_in_step(user.user_id)
    logger.info("operator role changed", user_id=user.user_id, operator=operator)
    return user


def appoint_ambassador(user: UserItem, neighbourhood_id: str, lau2: str | None = None, appoint: bool = True) -> UserItem:
    """An ambassador is a verified resident of the neighbourhood they welcome and moderate.
    With `lau2` (a staff request), a resident of another commune is not found (404)."""
    if lau2 is not None and user.lau2 != lau2:
        raise NotFound("No resident of this commune under this id.", {"user_id": "not a resident here"})
    if appoint:
        if user.neighbourhood_id != neighbourhood_id or user.residence_status != "verified":
            raise Conflict("An ambassador must be a verified resident of the neighbourhood.",
                           {"user_id": "not a verified resident of the neighbourhood"})
        try:
            user.update(actions=[UserItem.ambassador_of.add({neighbourhood_id})],
                        condition=(UserItem.residence_status == "verified") & (UserItem.neighbourhood_id == neighbourhood_id))
        except UpdateError as error:
            if condition_failed(error):
                raise Conflict("An ambassador must be a verified resident of the neighbourhood.",
                               {"user_id": "not a verified resident of the neighbourhood"}) from None
            raise
    elif neighbourhood_id in (user.ambassador_of or set()):
        user.update(actions=[UserItem.ambassador_of.delete({neighbourhood_id})])
    if user.lau2:
        _held(user.lau2, "ambassador", user.user_id, bool(user.ambassador_of))
    keep_sessions_in_step(user.user_id)
    logger.info("ambassador changed", user_id=user.user_id, neighbourhood_id=neighbourhood_id, appointed=appoint)
    return user


def appointed_by_staff(lau2: str, user_id: str, appoint: bool, actor: Principal | None = None) -> AmbassadorPublic:
    """Staff appoint a verified resident of their commune ambassador of the resident's neighbourhood
    (or end every ambassadorship the resident holds in the commune); never themselves. In the audit log."""
    if actor is not None:
        not_own_case("residents.ambassadors", actor, [user_id])
    try:
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        raise NotFound("No resident of this commune under this id.", {"user_id": "not a resident here"}) from None
    if user.lau2 != lau2 or not user.neighbourhood_id:
        raise NotFound("No resident of this commune under this id.", {"user_id": "not a resident here"})
    appoint_ambassador(user, user.neighbourhood_id, lau2=lau2, appoint=appoint)
    audit.record(lau2, "ambassador_appointed" if appoint else "ambassador_dismissed",
                 actor.user_id if actor else None, "resident", user.user_id)
    return AmbassadorPublic(user_id=user.user_id, neighbourhood_id=user.neighbourhood_id, appointed=appoint)


def appoint_moderator(user: UserItem, lau2: str, appoint: bool = True) -> UserItem:
    """A commune's moderator is a verified resident of the commune, appointed by its admins to moderate
    every neighbourhood of it: they see the reports queue with the reported content and decide on it,
    never the feeds or members of neighbourhoods they do not live in. Staff accounts stay publishers:
    the role goes to a resident's account only."""
    if user.lau2 != lau2 or not user.neighbourhood_id:
        raise NotFound("No resident of this commune under this id.", {"user_id": "not a resident here"})
    if appoint:
        refused = Conflict("A moderator must be a verified resident of the commune.",
                           {"user_id": "not a verified resident of the commune"})
        if user.residence_status != "verified":
            raise refused
        try:
            user.update(actions=[UserItem.moderator_of.add({lau2})],
                        condition=(UserItem.residence_status == "verified") & (UserItem.lau2 == lau2))
        except UpdateError as error:
            if condition_failed(error):
                raise refused from None
            raise
    elif lau2 in (user.moderator_of or set()):
        user.update(actions=[UserItem.moderator_of.delete({lau2})])
    _held(lau2, "moderator", user.user_id, appoint)
    keep_sessions_in_step(user.user_id)
    logger.info("moderator changed", user_id=user.user_id, lau2=lau2, appointed=appoint)
    return user


def moderator_by_staff(lau2: str, user_id: str, appoint: bool, actor: Principal | None = None) -> ModeratorPublic:
    """Staff appoint (or dismiss) a verified resident of their commune as the commune's moderator; never
    themselves. In the audit log."""
    if actor is not None:
        not_own_case("residents.ambassadors", actor, [user_id])
    try:
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        raise NotFound("No resident of this commune under this id.", {"user_id": "not a resident here"}) from None
    appoint_moderator(user, lau2, appoint=appoint)
    audit.record(lau2, "moderator_appointed" if appoint else "moderator_dismissed",
                 actor.user_id if actor else None, "resident", user.user_id)
    return ModeratorPublic(user_id=user.user_id, lau2=lau2, neighbourhood_id=user.neighbourhood_id or "",
                           appointed=appoint)


def index_role_holders() -> int:
    """Once, after upgrading to the admin page's list of roles: write the `RoleHolderItem` of every role held
    before it existed (`./noper index-roles`; idempotent, a PutItem each). An operator's one-off, never a
    request: it Scans the table for accounts holding a role. Answers how many it wrote."""
    written = 0
    holding = (UserItem.sk == "PROFILE") & (
        UserItem.staff.exists() | UserItem.ambassador_of.exists() | UserItem.moderator_of.exists())
    for user in UserItem.scan(holding):
        if not user.pk.startswith("USER#"):
            continue
        held = [tuple(grant.split(":", 1)) for grant in user.staff or ()]
        held += [(lau2, "moderator") for lau2 in user.moderator_of or ()]
        if user.ambassador_of and user.lau2:
            held.append((user.lau2, "ambassador"))
        for lau2, role in held:
            _held(lau2, role, user.user_id, True)
            written += 1
    logger.info("role holders indexed", written=written)
    return written
