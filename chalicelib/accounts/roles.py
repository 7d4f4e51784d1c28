"""Roles beyond "resident": commune staff, neighbourhood ambassadors, commune moderators, operators.

Staff grants are stored on the account as `<lau2>:<role>` (a string set, changed by atomic ADD and
DELETE), ambassadorships as neighbourhood ids, commune moderators as lau2 codes, the operator as a
flag. The operator's CLI grants staff and operator roles (`./noper staff|operator ...`); commune
staff appoint ambassadors and moderators (`./noper ambassador|moderator ...` too).
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.accounts.models import STAFF_ROLES, EmailItem, UserItem
from chalicelib.accounts.signin import account_for_email, keep_sessions_in_step
from chalicelib.communes import audit
from chalicelib.communes.service import get_commune
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


def grant_staff(email: str, lau2: str, role: str) -> UserItem:
    """Make the email's account staff of the commune (creating the account, as sign-in would)."""
    if role not in STAFF_ROLES:
        raise InvalidInput(f"A staff role is one of {', '.join(STAFF_ROLES)}.", {"role": "unknown role"})
    get_commune(lau2)
    user = account_for_email(email)
    user.update(actions=[UserItem.staff.add({f"{lau2}:{role}"})])
    keep_sessions_in_step(user.user_id)
    logger.info("staff role granted", user_id=user.user_id, lau2=lau2, role=role)
    return user


def revoke_staff(email: str, lau2: str, role: str | None = None) -> UserItem:
    """Take one staff role of the commune away, or all of them when `role` is None."""
    user = account_of(email)
    grants = {g for g in user.staff or () if g.split(":", 1)[0] == lau2 and role in (None, g.split(":", 1)[1])}
    if grants:
        user.update(actions=[UserItem.staff.delete(grants)])
        keep_sessions_in_step(user.user_id)
        logger.info("staff role revoked", user_id=user.user_id, lau2=lau2, roles=sorted(grants))
    return user


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
