"""Reading and setting up communes."""

from __future__ import annotations

import unicodedata

from chalicelib.adapters.clock import now
from chalicelib.communes import audit
from chalicelib.communes.models import CommuneItem, CommuneList, CommunePublic, CommuneSettings, load_commune
from chalicelib.observability import logger


def fold(text: str) -> str:
    """Lower case without accents, for sorting and matching names the way people type them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def get_commune(lau2: str) -> CommunePublic:
    return load_commune(lau2).public()


def list_communes() -> CommuneList:
    items = CommuneItem.by_name.query(CommuneItem.LIST_KEY)
    return CommuneList(communes=[item.public() for item in items])


def set_up_commune(lau2: str, settings: CommuneSettings, by: str | None = None) -> tuple[CommunePublic, bool]:
    """Create the commune or update its settings in one write; returns it and whether it was created.
    Asked through the API (`by`: the admin or operator), the change goes into the commune's audit log."""
    stamp = now()
    item = CommuneItem(*CommuneItem.key(lau2))
    item.update(
        actions=[
            CommuneItem.lau2.set(lau2),
            CommuneItem.name.set(settings.name),
            CommuneItem.languages.set(list(settings.languages)),
            CommuneItem.time_zone.set(settings.time_zone),
            CommuneItem.gsi1pk.set(CommuneItem.LIST_KEY),
            CommuneItem.gsi1sk.set(f"{fold(settings.name)}#{lau2}"),
            CommuneItem.created_at.set(CommuneItem.created_at | stamp),
            CommuneItem.updated_at.set(stamp),
            *([] if settings.publish_indicators is None
              else [CommuneItem.publish_indicators.set(settings.publish_indicators)]),
        ]
    )
    created = item.created_at == stamp
    if by is not None:
        audit.record(lau2, "commune_settings_changed", by, "commune", lau2, "set up" if created else None)
    logger.info("commune set up" if created else "commune updated", lau2=lau2)
    return item.public(), created
