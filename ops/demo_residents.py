"""Demo people of Demo-Gemeng (9901), so that signing in shows something: a staff admin, a second staff
member (an editor: nobody approves an announcement sent through a link they issued themselves), three
verified residents of one neighbourhood (verified by staff) and one waiting for verification.
Sign in with their email; the emailed code lands in .local/outbox/."""

from __future__ import annotations

from ops import demo_commune

STAFF_EMAIL = "staff@demo.noper.lu"
EDITOR_EMAIL = "editor@demo.noper.lu"
# (email, display name, verified?) — each at its own address of the first neighbourhood.
RESIDENTS = (
    ("anna@demo.noper.lu", "Anna Weber", True),
    ("ben@demo.noper.lu", "Ben Schmit", True),
    ("carla@demo.noper.lu", "Carla Ferreira", True),
    ("dani@demo.noper.lu", "Dani Muller", False),
)


def load_demo_people() -> list[str]:
    """Idempotent: accounts are found by email, roles added as sets, residences claimed only once."""
    from chalicelib.accounts.models import UserItem
    from chalicelib.accounts.principals import principal_of
    from chalicelib.accounts.roles import grant_staff
    from chalicelib.accounts.service import claim_residence
    from chalicelib.accounts.signin import account_for_email
    from chalicelib.accounts.verification import verify_resident
    from chalicelib.neighbourhoods.service import list_published
    from chalicelib.verification.service import _neighbourhood_households

    from ops.demo import DEMO_COMMUNES

    lau2 = demo_commune.LAU2
    staff = grant_staff(STAFF_EMAIL, lau2, "admin")
    for other in DEMO_COMMUNES:  # the communes of the real register sample too, to try the admin tools on them
        grant_staff(STAFF_EMAIL, other, "admin")
    staff.update(actions=[UserItem.display_name.set("Demo-Gemeng (staff)"), UserItem.name_chosen.set(True)])
    editor = grant_staff(EDITOR_EMAIL, lau2, "editor")
    editor.update(actions=[UserItem.display_name.set("Demo-Gemeng (editor)"), UserItem.name_chosen.set(True)])
    neighbourhood = list_published(lau2).neighbourhoods[0]
    addresses = _neighbourhood_households(lau2, neighbourhood.id)
    loaded = [f"staff admin of {lau2}: {STAFF_EMAIL}", f"staff editor of {lau2}: {EDITOR_EMAIL}"]
    for (email, name, verified), address in zip(RESIDENTS, addresses):
        user = account_for_email(email, "lb")
        user.update(actions=[UserItem.display_name.set(name), UserItem.name_chosen.set(True)])
        if user.address_id != address.id or user.residence_status == "none":
            claim_residence(principal_of(user), address.id)
            user.refresh()
        if verified and user.residence_status == "pending":
            verify_resident(user, "staff", staff.user_id)
        loaded.append(f"resident {email} ({name}), {address.label}: {user.residence_status}")
    return loaded


def demo_people_loaded() -> bool:
    from chalicelib.accounts.models import EmailItem

    try:
        EmailItem.get(*EmailItem.key(STAFF_EMAIL))
    except EmailItem.DoesNotExist:
        return False
    return True
