"""Demo skills and a welcome buddy (issue #12) in Demo-Gemeng's first neighbourhood: Anna, Ben and Carla offer
skills in "Who can help"; Carla, who speaks Portuguese and Luxembourgish, volunteers as a welcome buddy; Dani,
still waiting for verification, speaks Portuguese: once staff verify her address, she is offered Carla.
Idempotent: an offer saved again replaces itself."""

from __future__ import annotations

# email -> (skills, how often, languages, welcome buddy?)
OFFERS = {
    "anna@demo.noper.lu": (["gardening", "computer_help"], "monthly", ["lb", "de", "en"], False),
    "ben@demo.noper.lu": (["small_repairs", "cycling_repairs", "driving"], "occasionally", ["lb", "fr"], False),
    "carla@demo.noper.lu": (["language_pt", "cooking", "reading_aloud"], "weekly", ["pt", "lb", "fr"], True),
}
NEWCOMER = ("dani@demo.noper.lu", ["pt", "fr"])


def load_demo_buddies() -> list[str]:
    from chalicelib.accounts.models import UserItem
    from chalicelib.accounts.principals import principal_of
    from chalicelib.accounts.roles import account_of
    from chalicelib.volunteering.offers import VolunteeringRequest, save

    loaded = []
    for email, (skills, frequency, languages, buddy) in OFFERS.items():
        user = account_of(email)
        if user.residence_status != "verified":
            continue
        save(principal_of(user), VolunteeringRequest.model_validate(
            {"skills": skills, "frequency": frequency, "languages": languages, "buddy": buddy}))
        loaded.append(f"{email} offers {', '.join(skills)}" + (" and is a welcome buddy" if buddy else ""))
    email, languages = NEWCOMER
    account_of(email).update(actions=[UserItem.languages.set(languages)])
    loaded.append(f"{email} speaks {', '.join(languages)}: offered a welcome buddy once verified")
    return loaded
