"""What neighbourhoods need from the address register (chalicelib/addresses), in one place.

Imported lazily so this package loads while the register is absent; tests may swap these two.
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Unavailable


def populated_cells(lau2: str) -> dict[str, Any]:
    """cell -> CellSummary (`address_count`, `streets`, `localities`) for the commune's addresses."""
    return _service().populated_cells(lau2)


def assign_neighbourhoods(lau2: str, cell_to_neighbourhood: dict[str, tuple[str, str]]) -> int:
    """Write (neighbourhood id, name) onto every address of those cells; returns how many."""
    return _service().assign_neighbourhoods(lau2, cell_to_neighbourhood)


def _service():
    try:
        from chalicelib.addresses import service
    except ImportError:
        raise Unavailable("The address register is not installed.") from None
    return service
