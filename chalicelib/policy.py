"""The one place that decides every permission.

Each route names an action; `RULES` says who may perform it, given what the request's path
names (its commune, its neighbourhood). A route whose action is not here cannot be registered
(chalicelib.web.api), and tests/api/test_policy_matrix.py checks every route in every situation.

Who is asking is a `Principal`, built from the session (chalicelib.accounts.principals). Commune
staff and partners publish and administer; they never read what neighbours write: content of a
neighbourhood is for its verified residents only, and anyone else is told it does not exist (404).

No stage grants anything without a session: locally, sign in as the demo's staff (`make run`
prints how) or make staff with `./noper staff add`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from chalicelib.errors import Forbidden, NotFound, NotSignedIn


@dataclass(frozen=True)
class PublisherLink:
    """The scope of a valid publisher link (chalicelib/publishers/links.py checked its signature,
    expiry, revocation and publisher): who publishes, where (None: the whole commune) and what."""

    lau2: str
    publisher_id: str
    link_id: str
    neighbourhoods: frozenset[str] | None = None
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Principal:
    """Who is asking, as far as permissions go."""

    user_id: str | None = None
    lau2: str | None = None
    neighbourhood_id: str | None = None
    residence_status: str = "none"  # none | pending | verified
    address_id: str | None = None  # the claimed address: the household (see `not_own_case`)
    ambassador_of: frozenset[str] = frozenset()
    moderator_of: frozenset[str] = frozenset()  # communes (lau2) whose neighbourhoods they moderate
    staff: frozenset[tuple[str, str]] = frozenset()  # (lau2, admin|editor|verifier)
    operator: bool = False
    # The bearer of a publisher link: no account, no session; a principal for the publishing routes only.
    publisher_link: PublisherLink | None = None
    session: Any = field(default=None, compare=False, repr=False)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    def is_staff(self, lau2: str | None, roles: frozenset[str]) -> bool:
        return any(where == lau2 and role in roles for where, role in self.staff)

    def works_for(self, lau2: str | None) -> bool:
        """Staff of the commune, in any role."""
        return any(where == lau2 for where, _ in self.staff)

    def lives_in(self, neighbourhood_id: str | None, *, verified: bool) -> bool:
        if neighbourhood_id is None or self.neighbourhood_id != neighbourhood_id:
            return False
        return self.residence_status == "verified" or (not verified and self.residence_status == "pending")


ANONYMOUS = Principal()

# A rule looks at who asks and what the path names; it raises when the answer is no.
Rule = Callable[[Principal, Mapping[str, str]], None]


def anyone(principal: Principal, target: Mapping[str, str]) -> None:
    return None


def signed_in(principal: Principal, target: Mapping[str, str]) -> None:
    if not principal.signed_in:
        if principal.publisher_link is not None:
            raise Forbidden("A publisher link opens the announcement form only.")
        raise NotSignedIn("Sign in to do this.")


def _not_a_stranger(principal: Principal) -> None:
    """Someone known (a session or a publisher link): to them, neighbourhood content is 404, not 401."""
    if not principal.signed_in and principal.publisher_link is None:
        raise NotSignedIn("Sign in to do this.")


def publisher_link(principal: Principal, target: Mapping[str, str]) -> None:
    """The bearer of a valid publisher link: the publishing routes only (their paths name no commune;
    the link's scope, checked by the announcements service, says where and what it may publish)."""
    if principal.publisher_link is None:
        if not principal.signed_in:
            raise NotSignedIn("Open the publisher link the commune gave you.")
        raise Forbidden("This is for the bearer of a publisher link.")


def staff(*roles: str) -> Rule:
    """Commune staff with one of these roles, in the commune the path names."""
    allowed = frozenset(roles)

    def rule(principal: Principal, target: Mapping[str, str]) -> None:
        signed_in(principal, target)
        if not principal.is_staff(target.get("lau2"), allowed):
            raise Forbidden("This is for the commune's staff.")

    rule.__name__ = f"staff({', '.join(roles)})"
    return rule


def resident(*, verified: bool = True) -> Rule:
    """Residents of the neighbourhood the path names (verified ones, unless said otherwise).
    To anyone else the neighbourhood's content does not exist."""

    def rule(principal: Principal, target: Mapping[str, str]) -> None:
        _not_a_stranger(principal)
        if not principal.lives_in(target.get("neighbourhood_id"), verified=verified):
            raise NotFound("No such neighbourhood content.", {"neighbourhood_id": "not found"})

    rule.__name__ = "verified resident" if verified else "resident, verified or pending"
    return rule


def either(*rules: Rule) -> Rule:
    """Allowed when one of the rules allows; otherwise the first rule's refusal."""

    def rule(principal: Principal, target: Mapping[str, str]) -> None:
        refusals = []
        for each in rules:
            try:
                return each(principal, target)
            except (NotSignedIn, Forbidden, NotFound) as refusal:
                refusals.append(refusal)
        raise refusals[0]

    rule.__name__ = " or ".join(each.__name__ for each in rules)
    return rule


def verified_anywhere(principal: Principal, target: Mapping[str, str]) -> None:
    """Verified residents of any neighbourhood (the path names none): the upload of a photo."""
    signed_in(principal, target)
    if principal.residence_status != "verified" or principal.neighbourhood_id is None:
        raise Forbidden("This is for verified neighbours.")


verified_anywhere.__name__ = "verified, in their own neighbourhood"


def commune_resident(principal: Principal, target: Mapping[str, str]) -> None:
    """Verified residents of any neighbourhood of the commune the path names (a participatory budget is the
    commune's). To anyone else its content does not exist (404)."""
    _not_a_stranger(principal)
    lau2 = target.get("lau2")
    if not (principal.residence_status == "verified" and principal.neighbourhood_id is not None
            and commune_of(principal.neighbourhood_id) == lau2):
        raise NotFound("No such commune content.", {"lau2": "not found"})


commune_resident.__name__ = "verified resident of the commune"


def ambassador(principal: Principal, target: Mapping[str, str]) -> None:
    """Moderators of the neighbourhood the path names: its ambassadors and the commune's moderators
    (see `moderates`).
    To anyone else, its moderation does not exist (404), as for its content; the commune's own staff, who know
    its neighbourhoods, are told who moderates them instead (403)."""
    _not_a_stranger(principal)
    neighbourhood_id = target.get("neighbourhood_id") or ""
    if not moderates(principal, neighbourhood_id):
        if neighbourhood_id and principal.works_for(commune_of(neighbourhood_id)):
            # The commune's staff know its neighbourhoods (they drew them): told who moderates, and how to appoint.
            raise Forbidden("Its ambassadors and the commune's moderators, verified residents appointed by the "
                            "commune's admins, moderate this neighbourhood; commune staff do not read what neighbours "
                            "write.", {"neighbourhood_id": "moderated by its residents"})
        raise NotFound("No such neighbourhood content.", {"neighbourhood_id": "not found"})


ambassador.__name__ = "ambassador (a verified resident) of the neighbourhood, or moderator (a verified resident) of its commune"


def neighbourhood_ambassador(principal: Principal, target: Mapping[str, str]) -> None:
    """Ambassadors of the neighbourhood the path names, who live there verified: what they get reads its
    content (the commune's moderators moderate it but do not read it). Anyone else: 404."""
    _not_a_stranger(principal)
    nbh = target.get("neighbourhood_id")
    if nbh not in principal.ambassador_of or not principal.lives_in(nbh, verified=True):
        raise NotFound("No such neighbourhood content.", {"neighbourhood_id": "not found"})


neighbourhood_ambassador.__name__ = "ambassador of the neighbourhood (a verified resident living there)"


def commune_staff_only(*roles: str) -> Rule:
    """Commune staff with one of these roles, in the commune the path names; to anyone else signed in (its residents,
    partners, other staff) it does not exist (404), as neighbourhood content does: the commune's indicators."""
    allowed = frozenset(roles)

    def rule(principal: Principal, target: Mapping[str, str]) -> None:
        _not_a_stranger(principal)
        if not principal.is_staff(target.get("lau2"), allowed):
            raise NotFound("No such commune dashboard.", {"lau2": "not found"})

    rule.__name__ = f"staff ({', '.join(roles)}) of the commune; 404 to residents and anyone else"
    return rule


def operator(principal: Principal, target: Mapping[str, str]) -> None:
    signed_in(principal, target)
    if not principal.operator:
        raise Forbidden("This is for the operator.")


RULES: dict[str, Rule] = {
    "platform.health": anyone,
    "platform.openapi": anyone,
    # Which communes run Noper is public, as is their register (open data).
    "communes.read": anyone,
    "communes.manage": either(staff("admin"), operator),
    # Published neighbourhoods are public (their cells derive from the open register); drafts are staff's.
    "neighbourhoods.read": anyone,
    "neighbourhoods.draw": staff("admin"),
    # The address register is open data (CC0): anyone may search it, rate-limited per client.
    "addresses.search": anyone,
    # Importing it, and confirming an import that would retire more than 10 % of the addresses: admins.
    "addresses.import": staff("admin"),
    # Signing in and out; one's own profile and sessions.
    "auth.sign_in": anyone,
    "auth.sign_out": signed_in,
    "me.read": signed_in,
    "me.residence": signed_in,
    "me.sessions": signed_in,
    # Verifying one's address with a letter code: the code must belong to the address one claimed.
    "me.residence_code": signed_in,
    # Commune staff who verify residents (verifier or admin): letters with codes, pending residents
    # and decisions; admins appoint ambassadors. Staff see residents' names and addresses, never content.
    "residents.letters": staff("admin", "verifier"),
    "communes.posters": staff("admin", "editor", "verifier"),
    "residents.verify": staff("admin", "verifier"),
    "residents.ambassadors": staff("admin"),
    # Staff roles of the commune (admin, editor, verifier): granted and withdrawn by its admins, never their own.
    "staff.manage": staff("admin"),
    # The commune's audit log of staff decisions (chalicelib/communes/audit.py): its admins only.
    "audit.read": staff("admin"),
    # Your data (GDPR): privacy settings, export, erasure — one's own only.
    "me.update": signed_in,
    "me.export": signed_in,
    "me.erase": signed_in,
    # Which emails Noper sends me (chalicelib/notifications/): one's own choices only.
    "me.notifications": signed_in,
    # One-click unsubscribe (RFC 8058) from an email's link: the signed token in the URL is the
    # authority, not a session (the route never reads one, so needs no CSRF header).
    "notifications.unsubscribe": anyone,
    # Inside a neighbourhood: its name and size for residents even while pending; its members,
    # pending newcomers and vouching for verified residents only. Everyone else: 404.
    "neighbourhood.view": resident(verified=False),
    "neighbourhood.members": resident(),
    "neighbourhood.vouch": resident(),
    # Posts and the feed: verified residents of the neighbourhood only. Routes on one post
    # (/posts/{post_id}) name no neighbourhood: they check `signed_in`, and the posts service asks
    # `authorize_in("posts.read", ...)` with the post's neighbourhoods once it has loaded it.
    "posts.read": resident(),
    "posts.write": resident(),
    "posts.one": signed_in,
    # The lending library: verified residents of the neighbourhood only. Routes on one item or loan
    # (/items/{item_id}, /loans/{loan_id}) check `signed_in`; the lending service asks
    # `authorize_in("lending.neighbourhood", ...)` with the item's neighbourhood once it has loaded it.
    "lending.neighbourhood": resident(),
    "lending.one": signed_in,
    "lending.mine": signed_in,
    # Neighbourhood events (chalicelib/events/): verified residents of the neighbourhood create them and read
    # its calendar (nearby events reaching it included). Routes on one event (/events/{event_id}) check
    # `signed_in`; the events service asks `authorize_in("events.neighbourhood", ...)` with the event's own and
    # nearby neighbourhoods once it has loaded it, and lets only its organisers change it (403).
    "events.neighbourhood": resident(),
    "events.one": signed_in,
    # Events beyond a neighbourhood (chalicelib/events/approval.py, publishing.py): admins and editors review
    # residents' events asked for the whole commune and partners' events (never their own case) and cancel a
    # publisher's event of their commune; the bearer of a publisher link publishes events within its scope; the
    # commune's public events are open to anyone.
    "events.review": staff("admin", "editor"),
    "events.publish": publisher_link,  # publish, and change or cancel its own (publishing.py checks the scope)
    "events.public": anyone,
    # Skills neighbours offer and welcome buddies (chalicelib/volunteering/offers.py, buddies.py): my own offer
    # (read by anyone signed in; saved and asked for by verified residents, for their own neighbourhood); the
    # neighbourhood's "who can help" directory for its verified residents (another's: 404); a buddy pair is
    # changed only by its two people (the service answers 404 to anyone else).
    "volunteering.mine": signed_in,
    "volunteering.offer": verified_anywhere,
    "volunteering.helpers": resident(),
    "volunteering.pairs": signed_in,
    # Personal calendar feeds: one's own (create, list, revoke). The feed's URL holds a secret that is its
    # authority (a phone calendar has no session): the route reads no session, as the one-click unsubscribe.
    "me.calendar_feeds": signed_in,
    "me.events": signed_in,  # the events I organise and answered: my own links only
    # Calls for volunteers (chalicelib/volunteering/): verified residents of the neighbourhood publish them and read
    # its list (calls of the commune's services and partners reaching it included). Routes on one call check
    # `signed_in`; the volunteering service asks `authorize_in("volunteering.neighbourhood", ...)` with the
    # neighbourhoods the call reaches, and lets only its organisers see sign-ups, change shifts, confirm attendance
    # (403). The bearer of a publisher link publishes calls within its scope and organises its publisher's.
    "volunteering.neighbourhood": resident(),
    "volunteering.one": signed_in,
    "volunteering.publish": publisher_link,
    "volunteering.review": staff("admin", "editor"),  # approve, refuse, withdraw a partner's call (approval.py)
    "me.volunteering": signed_in,  # my shifts and my record: my own sign-ups only
    "events.feed": anyone,
    # Moderation (chalicelib/moderation/): reporting, hiding, appeals on one post, comment or item check
    # `signed_in`; the content kernel asks the kind (`posts.read` with the post's neighbourhoods,
    # `lending.neighbourhood` with the item's), then `moderates` for hiding and deciding. Comments on an
    # item are `lending.one` routes, on a post `posts.one`: the same check through the kernel. A neighbourhood's reports, appeals
    # queue and moderation log (and deciding on its reports) are for its ambassadors and the commune's
    # moderators (404 to anyone else; the commune's staff are told who moderates, 403); the tone reminder, anyone
    # signed in.
    "moderation.one": signed_in,
    "moderation.neighbourhood": ambassador,
    "moderation.tone": signed_in,
    # Private messages: routes name no neighbourhood. They check `signed_in`; the messages service
    # lets only verified residents of the same neighbourhood write to each other and shows a
    # conversation to its two participants only (404 to anyone else).
    "messages": signed_in,
    # Photos of posts and items: verified residents upload into their own neighbourhood; the photo
    # route (/photos/{photo_id}) checks `signed_in`, and the photos service asks
    # `authorize_in("photos.read", ...)` with the photo's neighbourhood once it has loaded it.
    "photos.upload": verified_anywhere,
    "residents.invite": verified_anywhere,
    "photos.one": signed_in,
    "photos.read": resident(),
    # The weekly digest (chalicelib/digest/): the paper digest holds neighbourhood content, so it is for
    # the neighbourhood's ambassadors (404 to anyone else, commune staff included). Running the digest by
    # hand is for the commune's admins and operators, on the local stage only (the digest service answers
    # 404 elsewhere); it answers counts, never content.
    "digest.paper": neighbourhood_ambassador,
    "digest.run": either(staff("admin"), operator),
    # Consultations (chalicelib/consultations/): admins and editors prepare, publish and read the
    # results (counts under 5 suppressed) and comments; residents take part through their own
    # neighbourhood's path (404 to anyone else, staff included), and the consultations service
    # answers 404 when the consultation does not ask that neighbourhood.
    "consultations.manage": staff("admin", "editor"),
    "consultations.take_part": resident(),
    # The commune's channel (chalicelib/publishers/, chalicelib/announcements/). Admins register
    # publishers (partners), issue and revoke publisher links, set whether partners need approval;
    # admins and editors review announcements. The bearer of a publisher link publishes within its
    # scope and nothing else. Residents read their channel; public announcements and the Atom feed are
    # open; one announcement (and its attachments' links) is shown by the announcements service only
    # to those it targets, its commune's staff, or anyone when public (404 otherwise).
    "publishers.manage": staff("admin"),
    "announcements.review": staff("admin", "editor"),
    "announcements.publish": publisher_link,
    "announcements.mine": signed_in,
    "announcements.read": anyone,
    # The commune's indicators (chalicelib/indicators/): aggregates, never content, figures under 5 hidden per
    # neighbourhood. Its admins and editors read the dashboard, its CSV and the yearly report (404 to residents,
    # partners and other staff); ambassadors read their own neighbourhood's figures (404 to anyone else); the headline
    # figures are public only when the commune publishes them (the indicators service answers 404 otherwise).
    "indicators.read": commune_staff_only("admin", "editor"),
    "indicators.neighbourhood": neighbourhood_ambassador,
    "indicators.public": anyone,
    # The participatory budget (chalicelib/budget/): the commune's admins set up editions, review proposals (never
    # their own), print voting cards and enter paper ballots, publish results and post the funded projects' progress.
    # Verified residents of the commune propose, support and vote (the budget service checks the edition's scope:
    # their envelope, 403 outside it). Reading an edition, its proposals and results is an open route: the service
    # shows them to the commune's staff and verified residents, and to anyone once the results are published (404
    # otherwise); results before publication to staff only.
    "budget.manage": staff("admin"),
    "budget.take_part": commune_resident,
    "budget.read": anyone,
}


# --- separation of duties: nobody decides their own case -------------------------------------
#
# A decision route's rule above says who may decide at all; `not_own_case` says that they may not
# when they are its subject. Each decision names its case here, with what the actor is told instead
# (403): who else can decide. The services call it once they have loaded the subject.
OWN_CASE: dict[str, tuple[str, str]] = {
    # decision: (refusal message, field named in the error)
    "residents.verify": ("Another staff member must decide on your own residence; or use the letter code "
                         "sent to your address, or ask two neighbours to vouch.", "user_id"),
    "residents.verify.household": ("Another staff member must decide on a resident of your own household.",
                                   "user_id"),
    "residents.ambassadors": ("Another admin of the commune must appoint or dismiss you.", "user_id"),
    "staff.manage": ("Another admin of the commune must grant or withdraw your own staff roles.", "user_id"),
    # A staff member sees the codes of the letters they print: those codes never verify themselves.
    "me.residence_code": ("A letter you printed yourself cannot verify you: ask another staff member to print "
                          "your letter or to approve your address, or ask two neighbours to vouch.", "code"),
    "neighbourhood.vouch": ("You cannot vouch for yourself: two neighbours from other households must vouch "
                            "for you.", "user_id"),
    "neighbourhood.vouch.household": ("You live at the same address: someone from another household must vouch.",
                                      "user_id"),
    "moderation.decide": ("Another moderator must decide on your own post, comment or message, or on a report "
                          "you filed.", "target_id"),
    "moderation.appeal": ("Another moderator must decide this appeal: it is about your own post, or you hid it.",
                          "post_id"),
    "announcements.review": ("Another staff member must decide on this announcement: you issued the publisher "
                             "link that sent it, or registered its publisher.", "announcement_id"),
    "events.review": ("Another staff member must decide on this event: you organise it, issued the publisher link "
                      "that sent it, or registered its publisher.", "event_id"),
    "volunteering.review": ("Another staff member must decide on this call for volunteers: you issued the "
                            "publisher link that sent it, or registered its publisher.", "call_id"),
    "budget.review": ("Another staff member must decide on this proposal: it is your own.", "proposal_id"),
    "lending.request": ("This is your own item: neighbours borrow it, you lend it.", "item_id"),
    "lending.decide": ("Only the item's owner decides on a loan request, not the borrower.", "loan_id"),
}


def not_own_case(decision: str, principal: Principal, subjects: Any = (), *, household: str | None = None) -> None:
    """Separation of duties: the actor is not the subject. `subjects` are the accounts the decision
    is about (the resident verified, the author of the reported post, its reporters, the borrower...);
    `household` the subject's address, refused when it is the actor's own claimed address (a staff
    member's partner is their own case too). Refused: 403 naming who else decides."""
    message, field_name = OWN_CASE[decision]
    if principal.user_id is not None and principal.user_id in set(subjects):
        raise Forbidden(message, {field_name: "your own case"})
    if household is not None and principal.address_id is not None and household == principal.address_id:
        household_message, _ = OWN_CASE.get(f"{decision}.household", (message, field_name))
        raise Forbidden(household_message, {field_name: "your own household"})


# Who sent a request (a session, a publisher link) is read above this module: the web layer registers its
# reader (chalicelib/web/api.py `identify`), so that the policy depends on no concern.
_identify: Callable[[Any], Principal | None] = lambda request: None


def identify_requests_with(identify: Callable[[Any], Principal | None]) -> None:
    global _identify
    _identify = identify


def principal_for(request: Any) -> Principal:
    """The principal of a request as the web layer identifies it, else anonymous."""
    return _identify(request) or ANONYMOUS


def allows(action: str, principal: Principal, target: Mapping[str, str] | None = None) -> bool:
    try:
        authorize(action, principal, target)
    except (NotSignedIn, Forbidden, NotFound):
        return False
    return True


def authorize(action: str, principal: Principal, target: Mapping[str, str] | None = None) -> None:
    RULES[action](principal, target or {})


def authorize_in(action: str, principal: Principal, neighbourhood_ids: list[str], not_found: NotFound) -> str:
    """For content that names its neighbourhood(s) itself (a post, and a lost pet's nearby ones):
    allowed when the rule allows in one of them, which is returned; otherwise `not_found`, the same
    answer as for content that does not exist."""
    signed_in(principal, {})
    for neighbourhood_id in neighbourhood_ids:
        if allows(action, principal, {"neighbourhood_id": neighbourhood_id}):
            return neighbourhood_id
    raise not_found


def commune_of(neighbourhood_id: str) -> str:
    """A neighbourhood id starts with its commune's LAU2 code (`0501-891fa065313`)."""
    return neighbourhood_id.split("-", 1)[0]


def moderates(principal: Principal, neighbourhood_id: str) -> bool:
    """Ambassadors moderate the neighbourhood they are ambassador of (and live in, verified).
    Commune-appointed moderators, verified residents of the commune, moderate each of its
    neighbourhoods: its reports queue and log, hiding and appeals; they do not read its feed or
    members unless they live there."""
    if not neighbourhood_id:
        return False
    if neighbourhood_id in principal.ambassador_of and principal.lives_in(neighbourhood_id, verified=True):
        return True
    lau2 = commune_of(neighbourhood_id)
    return (lau2 in principal.moderator_of and principal.lau2 == lau2 and principal.residence_status == "verified"
            and principal.neighbourhood_id is not None and commune_of(principal.neighbourhood_id) == lau2)
