"""A small commune for the channel's tests: two published neighbourhoods with known cells, verified
residents in each, a commune service and a partner, and links issued through the service."""

from __future__ import annotations

from datetime import timedelta

import h3

from chalicelib.accounts.models import UserItem
from chalicelib.adapters import clock
from chalicelib.communes.models import CommuneSettings
from chalicelib.communes.service import set_up_commune
from chalicelib.neighbourhoods.models import CellItem, NeighbourhoodItem
from chalicelib.policy import Principal
from chalicelib.publishers import links, service as publishers
from chalicelib.publishers.models import LinkRequest, PublisherRequest
from tests.helpers import STAFF

LAU2 = "0501"
N1, N2 = "0501-n1", "0501-n2"
# N1 around the centre of Clervaux, N2 about 3 km away: a 600 m circle on N1's centre reaches only N1.
CENTRE_1 = (50.0547, 6.0311)
CENTRE_2 = (50.0820, 6.0311)
CELLS_1 = sorted(h3.grid_disk(h3.latlng_to_cell(*CENTRE_1, 9), 1))
CELLS_2 = sorted(h3.grid_disk(h3.latlng_to_cell(*CENTRE_2, 9), 1))


# The staff member who registers the publishers and issues their links: the announcements sent through
# them are their own case, reviewed by another (`STAFF`; policy.not_own_case).
CLERK = Principal(user_id="U-CLERK", staff=STAFF.staff)


def resident(user_id: str, nbh: str = N1, status: str = "verified") -> Principal:
    return Principal(user_id=user_id, lau2=LAU2, neighbourhood_id=nbh, residence_status=status)


ANNA, BEN, CARLA = resident("U-ANNA"), resident("U-BEN"), resident("U-CARLA", N2)
PENDING = resident("U-DANI", status="pending")


def build_commune() -> None:
    set_up_commune(LAU2, CommuneSettings(name="Clervaux", languages=["lb", "fr", "de"]))
    stamp = clock.now()
    for nbh, name, cells in ((N1, "Clervaux-Centre", CELLS_1), (N2, "Reuler", CELLS_2)):
        NeighbourhoodItem(*NeighbourhoodItem.key(LAU2, nbh), gsi1pk=f"NBH#{nbh}", gsi1sk="NEIGHBOURHOOD", id=nbh,
                          lau2=LAU2, name=name, address_count=len(cells) * 10, cells=cells, version=1,
                          published_at=stamp).save()
        for cell in cells:
            CellItem(*CellItem.key(cell), cell=cell, lau2=LAU2, nbh_id=nbh, name=name,
                     communes={LAU2: {"id": nbh, "name": name}}).save()
    for principal, email, languages in ((ANNA, "anna@example.lu", ["en"]), (BEN, "ben@example.lu", ["pt"]),
                                        (CARLA, "carla@example.lu", ["de"]), (PENDING, "dani@example.lu", [])):
        UserItem(*UserItem.key(principal.user_id), user_id=principal.user_id, email=email, languages=languages,
                 created_at=stamp, lau2=LAU2, neighbourhood_id=principal.neighbourhood_id,
                 residence_status=principal.residence_status, gsi1pk=f"NBH#{principal.neighbourhood_id}#RESIDENTS",
                 gsi1sk=f"{principal.residence_status}#{principal.user_id}").save()


def publisher(kind: str = "commune", name: str = "Service technique") -> str:
    request = PublisherRequest(kind=kind, name=name, purpose="Roadworks and waste", contact="tech@clervaux.lu",
                               non_commercial=True)
    return publishers.register(CLERK, LAU2, request).id


def link(publisher_id: str, neighbourhoods: list[str] | None = None, categories: list[str] | None = None,
         days: int = 90) -> str:
    request = LinkRequest(publisher_id=publisher_id, neighbourhoods=neighbourhoods, expires_in_days=days,
                          **({"categories": categories} if categories else {}))
    return links.issue(LAU2, request, issued_by=CLERK.user_id or "").token


def as_link(token: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Publisher-Link": token}


def announcement(target: dict | None = None, category: str = "information", public: bool = False,
                 title: str = "Roadworks on Grand-Rue", days: int = 7, **extra) -> dict:
    return {
        "versions": [{"language": "en", "title": title, "body": "The road is closed **all week**."},
                     {"language": "fr", "title": f"FR {title}", "body": "La route est fermée."}],
        "category": category, "target": target or {"kind": "commune"}, "public": public,
        "valid_until": (clock.now() + timedelta(days=days)).isoformat(), **extra,
    }
