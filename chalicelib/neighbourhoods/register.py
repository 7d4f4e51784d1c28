"""What neighbourhoods need from the address register (chalicelib/addresses), in one place.

Imported lazily so this package loads while the register is absent; tests may swap these two.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.errors import Unavailable


def populated_cells(lau2: str) -> dict[str, Any]:
    """cell -> CellSummary (`address_count`, `streets`, `localities`) for the commune's addresses."""
    return _service().populated_cells(lau2)


def populated_cells_and_kept(lau2: str, consistent: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cell summaries and (sk -> raw item) what neighbourhoods keep in the same partition (the draft): one Query."""
    return _service().populated_cells_and_kept(lau2, consistent)


def count_addresses(cells: Iterable[str], populated: dict[str, Any]) -> int:
    """The addresses in these cells, from `populated_cells`."""
    return sum(populated[c].address_count for c in cells if c in populated)


def assign_neighbourhoods(lau2: str, cell_to_neighbourhood: dict[str, tuple[str, str]]) -> int:
    """Write (neighbourhood id, name) onto every address of those cells; returns how many."""
    return _service().assign_neighbourhoods(lau2, cell_to_neighbourhood)


def move_residents(lau2: str, old_neighbourhoods: set[str], at) -> int:
    """Residents of these neighbourhoods follow their address into its new neighbourhood."""
    from chalicelib.accounts.moves import follow_boundaries

    return follow_boundaries(lau2, old_neighbourhoods, at)


def _service():
    try:
        from chalicelib.addresses import service
    except ImportError:
        raise Unavailable("The address register is not installed.") from None
    return service
