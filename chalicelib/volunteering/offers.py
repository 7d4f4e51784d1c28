"""Skills neighbours offer (issue #12, point 3) and the resident's volunteering profile (skills, how often,
languages, welcome buddy), with the neighbourhood's "who can help with …" directory.

Stored (docs/data-model.md, Volunteering):
- the profile, `USER#<user_id>` / `VOLUNTEERING` (`VolunteerProfileItem`): what the resident offers, and the
  block relations that keep them apart from others (`blocks`: whom they block; `blocked_by`: who blocks them),
  kept in step by `blocks_changed`, which messages' block and unblock call;
- one directory entry per skill offered, `NBH#<neighbourhood_id>#HELPERS` / `<skill>#<user_id>` (`HelperItem`),
  with the name neighbours see, how often, the languages, and `blocked_with` (both directions of blocks):
  "who can help with gardening" is one Query (begins_with `gardening#`), blocked people left out in code;
- the welcome buddies of a neighbourhood, `NBH#<neighbourhood_id>#BUDDIES` / `<user_id>` (`BuddyItem`), with
  their languages and how many pairs they have now (chalicelib/volunteering/buddies.py offers the fewest).

All of it is opt-in: a resident saves their offer (verified, for their neighbourhood) and removes it any time.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictBool, ValidationInfo, field_validator
from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.accounts.models import SpokenLanguage, UserItem
from chalicelib.adapters.clock import now
from chalicelib.errors import InvalidInput
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import Entity, condition_failed, transaction
from chalicelib.volunteering.skills import SKILLS

MAX_SKILLS = 10
Frequency = Literal["occasionally", "monthly", "weekly"]
Skill = Literal[SKILLS]  # type: ignore[valid-type]
TRIES = 4  # saves refused because a block changed meanwhile are written again
DIRECTORY_LIMIT = 300  # entries of one answer (a neighbourhood has a few thousand residents at most)


# --- stored ---------------------------------------------------------------------------------

class VolunteerProfileItem(Entity):
    """pk=USER#<user_id>, sk=VOLUNTEERING."""

    user_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute(null=True)
    skills = ListAttribute(of=UnicodeAttribute, null=True)
    frequency = UnicodeAttribute(null=True)
    languages = ListAttribute(of=UnicodeAttribute, null=True)
    buddy = BooleanAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    blocks = UnicodeSetAttribute(null=True)  # whom this resident blocks (a copy, written on block/unblock)
    blocked_by = UnicodeSetAttribute(null=True)  # who blocks this resident
    blocks_version = NumberAttribute(null=True)  # grows with each block change: a save copies the sets it read

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "VOLUNTEERING"

    def blocked_with(self) -> set[str]:
        return set(self.blocks or ()) | set(self.blocked_by or ())


class HelperItem(Entity):
    """pk=NBH#<neighbourhood_id>#HELPERS, sk=<skill>#<user_id>: one skill one resident offers."""

    user_id = UnicodeAttribute()
    skill = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    frequency = UnicodeAttribute()
    languages = ListAttribute(of=UnicodeAttribute, null=True)
    blocked_with = UnicodeSetAttribute(null=True)

    @staticmethod
    def partition(neighbourhood_id: str) -> str:
        return f"NBH#{neighbourhood_id}#HELPERS"

    @staticmethod
    def key(neighbourhood_id: str, skill: str, user_id: str) -> tuple[str, str]:
        return HelperItem.partition(neighbourhood_id), f"{skill}#{user_id}"


class BuddyItem(Entity):
    """pk=NBH#<neighbourhood_id>#BUDDIES, sk=<user_id>: a welcome buddy of the neighbourhood."""

    user_id = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    languages = ListAttribute(of=UnicodeAttribute, null=True)
    pairs = NumberAttribute(default=0)  # pairs offered or made now (not declined, not ended)
    blocked_with = UnicodeSetAttribute(null=True)

    @staticmethod
    def partition(neighbourhood_id: str) -> str:
        return f"NBH#{neighbourhood_id}#BUDDIES"

    @staticmethod
    def key(neighbourhood_id: str, user_id: str) -> tuple[str, str]:
        return BuddyItem.partition(neighbourhood_id), user_id


# --- requests and responses -------------------------------------------------------------------

class VolunteeringRequest(Model):
    # A welcome buddy names at least one language (checked below), as the document states it.
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "if": {"properties": {"buddy": {"const": True}}, "required": ["buddy"]},
        "then": {"required": ["languages"], "properties": {"languages": {"minItems": 1}}}})
    skills: list[Skill] = Field(default_factory=list, max_length=MAX_SKILLS,  # type: ignore[valid-type]
                                json_schema_extra={"uniqueItems": True}, description=f"skill codes (chalicelib/volunteering/skills.py), at most {MAX_SKILLS}")
    frequency: Frequency = "occasionally"
    buddy: StrictBool = Field(default=False, description="I volunteer as a welcome buddy for newcomers")
    languages: list[SpokenLanguage] = Field(default_factory=list, max_length=13, validate_default=True,
                                            json_schema_extra={"uniqueItems": True},
                                            description="languages I speak with neighbours (a welcome buddy: one at "
                                            "least)")

    @field_validator("skills", "languages")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("each code at most once")
        return values

    @field_validator("languages")
    @classmethod
    def _buddy_speaks(cls, languages: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("buddy") and not languages:
            raise ValueError("a welcome buddy names at least one language")
        return languages


class VolunteeringPublic(Model):
    skills: list[str]
    frequency: Frequency
    languages: list[str]
    buddy: bool


class HelpersPath(Model):
    neighbourhood_id: NeighbourhoodId


class HelpersQuery(Model):
    model_config = ConfigDict(extra="forbid")
    skill: Skill | None = None  # type: ignore[valid-type]


class HelperPublic(Model):
    user_id: str
    name: str = Field(description="the name neighbours see (empty before one was chosen)")
    skill: str
    frequency: Frequency
    languages: list[str]


class HelperList(Model):
    helpers: list[HelperPublic] = Field(description="by skill, then as stored; never the person asking")


# --- the profile ------------------------------------------------------------------------------

def _profile(user_id: str, consistent: bool = False) -> VolunteerProfileItem | None:
    try:
        return VolunteerProfileItem.get(*VolunteerProfileItem.key(user_id), consistent_read=consistent)
    except DoesNotExist:
        return None


def public(item: VolunteerProfileItem | None) -> VolunteeringPublic:
    if item is None:
        return VolunteeringPublic(skills=[], frequency="occasionally", languages=[], buddy=False)
    return VolunteeringPublic(skills=list(item.skills or []), frequency=item.frequency or "occasionally",  # type: ignore[arg-type]
                              languages=list(item.languages or []), buddy=bool(item.buddy))


def my_volunteering(principal: Principal) -> VolunteeringPublic:
    return public(_profile(principal.user_id or "-"))


def save(principal: Principal, request: VolunteeringRequest) -> VolunteeringPublic:
    """Save what I offer (replacing what I offered): the profile and its directory copies in one transaction.
    Only a verified resident offers, to their own neighbourhood (the route's rule: verified anywhere)."""
    user_id, nbh = principal.user_id or "-", principal.neighbourhood_id
    if not nbh or principal.residence_status != "verified":
        raise InvalidInput("Only a verified resident offers help to their neighbourhood.", {"skills": "not verified"})
    for attempt in range(TRIES):
        user = UserItem.get(*UserItem.key(user_id), consistent_read=True)
        before = _profile(user_id, consistent=True)
        blocked_with = (before.blocked_with() if before else set()) | set(user.blocked or ())
        # The copies carry the block relations and the name read here: a block noted or a name chosen meanwhile
        # refuses this write, read again.
        version = before.blocks_version if before is not None else None
        unchanged = (VolunteerProfileItem.blocks_version.does_not_exist() if version is None
                     else VolunteerProfileItem.blocks_version == version)
        try:
            with transaction() as t:
                t.update(VolunteerProfileItem(*VolunteerProfileItem.key(user_id)), actions=[
                    VolunteerProfileItem.user_id.set(user_id), VolunteerProfileItem.neighbourhood_id.set(nbh),
                    VolunteerProfileItem.skills.set(list(request.skills)),
                    VolunteerProfileItem.frequency.set(request.frequency),
                    VolunteerProfileItem.languages.set(list(request.languages)),
                    VolunteerProfileItem.buddy.set(request.buddy), VolunteerProfileItem.updated_at.set(now().isoformat()),
                ], condition=unchanged)
                _write_copies(t, user_id, nbh, before, request.skills, request.frequency, request.languages,
                              request.buddy, user.shown_name(), blocked_with)
                t.condition_check(UserItem, *UserItem.key(user_id), condition=_same_name(user))
            break
        except TransactWriteError:
            if attempt + 1 == TRIES:
                raise
    logger.info("volunteering offer saved", user_id=user_id, skills=len(request.skills), buddy=request.buddy)
    return public(_profile(user_id, consistent=True))


def _same_name(user: UserItem) -> Any:
    """A condition: the account's name is still the one read (a rename meanwhile rewrote the copies: read again)."""
    if user.display_name:
        return UserItem.display_name == user.display_name
    return UserItem.display_name.does_not_exist() | (UserItem.display_name == "")


def remove(principal: Principal) -> None:
    """Take back everything I offer (skills, buddy); the block relations stay (they are not an offer)."""
    withdraw_everything(principal.user_id or "-")


def withdraw_everything(user_id: str, *, forget: bool = False) -> None:
    """Off the directory and the buddies; `forget` deletes the profile itself (erasure)."""
    before = _profile(user_id, consistent=True)
    if before is None:
        return
    with transaction() as t:
        _write_copies(t, user_id, before.neighbourhood_id, before, [], "occasionally", [], False, "", set())
        if forget:
            t.delete(before)
        else:
            t.update(before, actions=[VolunteerProfileItem.skills.remove(), VolunteerProfileItem.buddy.remove(),
                                      VolunteerProfileItem.languages.remove(), VolunteerProfileItem.frequency.remove()])


def _write_copies(t: Any, user_id: str, nbh: str | None, before: VolunteerProfileItem | None, skills: list[str],
                  frequency: str, languages: list[str], buddy: bool, name: str, blocked_with: set[str]) -> None:
    old_nbh = before.neighbourhood_id if before else None
    old_skills = set(before.skills or ()) if before else set()
    for skill in old_skills:
        if old_nbh and (old_nbh != nbh or skill not in skills):
            t.delete(HelperItem(*HelperItem.key(old_nbh, skill, user_id)))
    if before is not None and before.buddy and old_nbh and (old_nbh != nbh or not buddy):
        t.delete(BuddyItem(*BuddyItem.key(old_nbh, user_id)))
    if not nbh:
        return
    for skill in skills:
        t.save(HelperItem(*HelperItem.key(nbh, skill, user_id), user_id=user_id, skill=skill, name=name,
                          frequency=frequency, languages=list(languages), blocked_with=blocked_with or None))
    if buddy:
        # An update, so that the count of pairs the buddy has now survives a change of languages.
        t.update(BuddyItem(*BuddyItem.key(nbh, user_id)), actions=[
            BuddyItem.user_id.set(user_id), BuddyItem.name.set(name), BuddyItem.languages.set(list(languages)),
            BuddyItem.pairs.set(BuddyItem.pairs | 0),
            BuddyItem.blocked_with.set(blocked_with) if blocked_with else BuddyItem.blocked_with.remove(),
        ])


# --- the directory ----------------------------------------------------------------------------

def helpers(principal: Principal, neighbourhood_id: str, skill: str | None) -> HelperList:
    """Who can help with `skill` (every skill when None) in the neighbourhood: one Query. Nobody a block stands
    between (either way) and never the person asking."""
    me = principal.user_id or "-"
    condition = HelperItem.sk.startswith(f"{skill}#") if skill else None
    found = []
    for item in HelperItem.query(HelperItem.partition(neighbourhood_id), condition, limit=DIRECTORY_LIMIT):
        if item.user_id == me or me in (item.blocked_with or ()):
            continue
        found.append(HelperPublic(user_id=item.user_id, name=item.name or "", skill=item.skill,
                                  frequency=item.frequency, languages=list(item.languages or [])))  # type: ignore[arg-type]
    return HelperList(helpers=found)


# --- blocks keep people apart -----------------------------------------------------------------

def blocks_changed(blocker_id: str, blocked_id: str, blocking: bool) -> None:
    """`blocker_id` blocked (or unblocked) `blocked_id` (chalicelib/messages/service.py): both profiles note it and
    the directory copies of both follow, so that neither sees the other. Profiles are created when absent (a
    block noted before an offer still counts once the offer is made)."""
    add_or_delete = "add" if blocking else "delete"
    for user_id, attribute, other in ((blocker_id, VolunteerProfileItem.blocks, blocked_id),
                                      (blocked_id, VolunteerProfileItem.blocked_by, blocker_id)):
        VolunteerProfileItem(*VolunteerProfileItem.key(user_id)).update(
            actions=[VolunteerProfileItem.user_id.set(user_id), getattr(attribute, add_or_delete)({other}),
                     VolunteerProfileItem.blocks_version.add(1)])
        _refresh_copies(user_id)


def _refresh_copies(user_id: str) -> None:
    profile = _profile(user_id, consistent=True)
    if profile is None or not profile.neighbourhood_id:
        return
    blocked_with = profile.blocked_with()
    nbh = profile.neighbourhood_id
    keys = [HelperItem.key(nbh, skill, user_id) for skill in profile.skills or ()]
    for key in keys:
        _set_blocked_with(HelperItem, key, blocked_with)
    if profile.buddy:
        _set_blocked_with(BuddyItem, BuddyItem.key(nbh, user_id), blocked_with)


def _set_blocked_with(model: Any, key: tuple[str, str], blocked_with: set[str]) -> None:
    _update_copy(model, key, model.blocked_with.set(blocked_with) if blocked_with else model.blocked_with.remove())


def _update_copy(model: Any, key: tuple[str, str], action: Any) -> None:
    """Only a copy still there (the offer may have been taken back meanwhile)."""
    try:
        model(*key).update(actions=[action], condition=model.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


def renamed(user_id: str, name: str) -> None:
    """The resident chose another name (chalicelib/accounts/service.py `update_profile`, through the "your data"
    owners): "who can help" and the welcome buddies show it. One read of the profile, an update per copy."""
    profile = _profile(user_id, consistent=True)
    if profile is None or not profile.neighbourhood_id:
        return
    nbh = profile.neighbourhood_id
    for skill in profile.skills or ():
        _update_copy(HelperItem, HelperItem.key(nbh, skill, user_id), HelperItem.name.set(name))
    if profile.buddy:
        _update_copy(BuddyItem, BuddyItem.key(nbh, user_id), BuddyItem.name.set(name))


def blocked_either_way(user_a: str, user_b: str) -> bool:
    profile = _profile(user_a, consistent=True)
    return profile is not None and user_b in profile.blocked_with()


def profile_of(user_id: str) -> VolunteerProfileItem | None:
    return _profile(user_id, consistent=True)



def residence_changed(user_id: str) -> None:
    """The resident's residence was decided or moved (chalicelib/notifications/moments.py, after verification, a
    refusal or redrawn boundaries): the directory copies follow them to their neighbourhood, or go while they are
    not verified there; the offer itself stays in the profile."""
    profile = _profile(user_id, consistent=True)
    if profile is None or not (profile.skills or profile.buddy):
        return
    try:
        user = UserItem.get(*UserItem.key(user_id), consistent_read=True)
    except DoesNotExist:
        return
    nbh = user.neighbourhood_id if user.residence_status == "verified" else None
    if nbh == profile.neighbourhood_id:
        return
    skills, languages = list(profile.skills or []), list(profile.languages or [])
    with transaction() as t:
        _write_copies(t, user_id, nbh, profile, skills, profile.frequency or "occasionally", languages,
                      bool(profile.buddy), user.shown_name(), profile.blocked_with())
        t.update(profile, actions=[VolunteerProfileItem.neighbourhood_id.set(nbh) if nbh
                                   else VolunteerProfileItem.neighbourhood_id.remove()])
    _refresh_copies(user_id)  # with the block relations as they are now (one may have changed meanwhile)
    logger.info("volunteering offer followed the residence", user_id=user_id, neighbourhood_id=nbh)
