"""Demo data: the communes of the real address-register sample (../shared/data, BD-Adresses, CC0)."""

from __future__ import annotations

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
    return loaded


def demo_loaded() -> bool:
    from chalicelib.errors import NotFound
    from chalicelib.communes.service import get_commune

    try:
        get_commune(next(iter(DEMO_COMMUNES)))
        return True
    except NotFound:
        return False
