"""Address autocomplete: street and number, case- and accent-insensitive, in two DynamoDB round trips.

1. Query the commune's street keys (`STREETS#<lau2>`) by the folded street words typed: one key
   per street and starting word, so "eglise" finds "Rue de l'Église" as "rue de l" does.
2. Query the commune's addresses on gsi1 (`ADDRESSES#<lau2>`) by `<best street>#<number typed>`:
   every street of that name (one per locality) at once.
"""

from __future__ import annotations

import re

from chalicelib.addresses.models import AddressSuggestion, AddressSuggestions, NeighbourhoodRef
from chalicelib.addresses.register import fold
from chalicelib.addresses.store import active_partition, plain, query, search_key, street_partition

SUGGESTIONS = 10
STREET_CANDIDATES = 25
NUMBER_TYPED = re.compile(r"^\d+[a-z]*$")


def split_query(text: str) -> tuple[str, str]:
    """("rue de l eglise", "3") from "Rue de l'Église 3" or "3, rue de l'Église"."""
    words = fold(text).split()
    number = ""
    if len(words) > 1 and NUMBER_TYPED.match(words[-1]):
        number = words.pop()
    elif len(words) > 1 and NUMBER_TYPED.match(words[0]):
        number = words.pop(0)
    return " ".join(words), number.upper()


def suggest_addresses(lau2: str, text: str) -> AddressSuggestions:
    street, number = split_query(text)
    if not street or NUMBER_TYPED.match(street):
        return AddressSuggestions(addresses=[])
    candidates = [plain(item) for item in query(street_partition(lau2), prefix=street, limit=STREET_CANDIDATES)]
    if not candidates:
        _commune_must_exist(lau2)  # only when nothing matched: an unknown commune answers 404
        return AddressSuggestions(addresses=[])
    # Best street: the name typed in full, then names that start with what was typed, then the shortest.
    best = min(candidates, key=lambda c: (c["folded"] != street, not c["from_start"], len(c["folded"]), c["folded"]))
    found = [plain(item) for item in query(active_partition(lau2), index=True,
                                           prefix=search_key(best["folded"], number), limit=SUGGESTIONS)]
    found.sort(key=lambda a: (_number_order(a["number"]), a["locality"], a["street_id"]))
    return AddressSuggestions(addresses=[suggestion(a) for a in found])


def suggestion(address: dict) -> AddressSuggestion:
    return AddressSuggestion(**_suggestion_fields(address))


def _suggestion_fields(address: dict) -> dict:
    street_and_number = f"{address['street']} {address['number']}".strip()
    neighbourhood = None
    if address.get("neighbourhood_id"):
        neighbourhood = NeighbourhoodRef(id=address["neighbourhood_id"], name=address["neighbourhood_name"])
    return dict(
        id=address["id"], label=f"{street_and_number}, {address['postcode']} {address['locality']}",
        street=address["street"], number=address["number"], postcode=address["postcode"],
        locality=address["locality"], neighbourhood=neighbourhood,
    )


def _number_order(number: str) -> tuple[int, str]:
    digits = re.match(r"\d*", number).group()
    return (int(digits) if digits else 0, number)


def _commune_must_exist(lau2: str) -> None:
    from chalicelib.communes.service import get_commune

    get_commune(lau2)
