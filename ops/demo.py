"""Demo data: the communes of the real address-register sample (../shared/data, BD-Adresses, CC0)."""

from __future__ import annotations

from pathlib import Path

REGISTER_SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "lu-addresses-sample.csv"

DEMO_COMMUNES = {
    "0501": "Clervaux",
    "1004": "Consdorf",
    "1105": "Junglinster",
    "0708": "Useldange",
    "0310": "Walferdange",
    "0204": "Esch-sur-Alzette",
}


def load_demo() -> list[str]:
    """Idempotent: loading twice leaves the same data. Returns what was loaded."""
    from chalicelib.communes.models import CommuneSettings
    from chalicelib.communes.service import set_up_commune

    loaded = []
    for lau2, name in DEMO_COMMUNES.items():
        set_up_commune(lau2, CommuneSettings(name=name))
        loaded.append(f"commune {lau2} {name}")
    loaded += load_demo_addresses()
    loaded += publish_demo_neighbourhoods()
    from ops.demo_residents import load_demo_people

    loaded += load_demo_people()
    from ops.demo_life import load_demo_life

    loaded += load_demo_life()  # a week of posts, comments, a loan and messages (after the people)
    from ops.demo_events import load_demo_events

    loaded += load_demo_events()  # a street party and a monthly repair café, with answers
    from ops.demo_buddies import load_demo_buddies

    loaded += load_demo_buddies()  # skills offered in "Who can help", a welcome buddy for the newcomer

    from ops.demo_volunteering import load_demo_volunteering

    loaded += load_demo_volunteering()  # the association's flea market and its volunteers, a shopping round, a sign-up
    from ops.demo_budget import load_demo_budget

    loaded += load_demo_budget()  # a participatory budget in its voting phase, and a past one with its results
    from ops.demo_indicators import load_demo_indicators

    loaded += load_demo_indicators()  # the week's active residents (the rest was counted as the week was written)
    return loaded


# Demo-Gemeng's ~600 addresses make six neighbourhoods at ~120 each; Clervaux's sample takes the default.
DEMO_HOUSEHOLDS = {"9901": 120, "0501": 300}


def publish_demo_neighbourhoods() -> list[str]:
    """Propose and publish neighbourhoods as staff would, so the map has something to show."""
    from chalicelib.neighbourhoods import service as neighbourhoods

    loaded = []
    for lau2, households in DEMO_HOUSEHOLDS.items():
        draft = neighbourhoods.propose(lau2, households)
        neighbourhoods.publish(lau2, draft.version)
        loaded.append(f"neighbourhoods of {lau2}: {len(draft.neighbourhoods)} published")
    return loaded


def load_demo_addresses() -> list[str]:
    """The synthetic Demo-Gemeng (ops/demo_commune.py) and the real 100-row sample, through the importer."""
    from chalicelib.addresses.service import import_addresses
    from ops import demo_commune

    loaded = []
    for label, data in (
        (f"addresses of {demo_commune.NAME} ({demo_commune.LAU2}, synthetic)", demo_commune.demo_register()),
        ("addresses of the real register sample (BD-Adresses, CC0)", REGISTER_SAMPLE.read_bytes()),
    ):
        report = import_addresses(data, create_communes=True)
        loaded.append(f"{label}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged")
    return loaded


def demo_loaded() -> bool:
    from chalicelib.errors import NotFound
    from chalicelib.communes.service import get_commune

    from chalicelib.addresses.service import populated_cells
    from ops import demo_commune

    try:
        get_commune(next(iter(DEMO_COMMUNES)))
    except NotFound:
        return False
    from chalicelib.neighbourhoods.service import list_published

    from ops.demo_residents import demo_people_loaded
    from ops.demo_life import demo_life_loaded
    from ops.demo_events import demo_events_loaded
    from ops.demo_volunteering import demo_volunteering_loaded
    from ops.demo_budget import demo_budget_loaded

    return bool(populated_cells(demo_commune.LAU2)) and bool(list_published(demo_commune.LAU2).neighbourhoods) \
        and demo_people_loaded() and demo_life_loaded() and demo_events_loaded() \
        and demo_volunteering_loaded() and demo_budget_loaded()
