"""Small-count suppression for consultation results (staff, residents and the CSV alike).

A table of counts comes with its additive "lines": sets of cells where knowing all but one tells the
last (the options of a single-choice question in one neighbourhood plus how many answered it there;
one option over every neighbourhood plus its commune-wide total...).

1. Primary: every count under THRESHOLD (0 included) is suppressed.
2. Complementary: while some line has exactly one suppressed cell, the smallest other cell of that
   line is suppressed too, so no suppressed count can be worked out by subtracting from a total.
   Suppression only grows, so this ends. docs/data-model.md explains the choice.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

THRESHOLD = 5


def suppressed_cells(counts: Mapping[Hashable, int], lines: Iterable[Iterable[Hashable]],
                     threshold: int = THRESHOLD) -> set[Hashable]:
    """The cells of `counts` that must not be shown."""
    lines = [list(line) for line in lines]
    hidden = {cell for cell, count in counts.items() if count < threshold}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            shown = [cell for cell in line if cell not in hidden]
            if shown:
                hidden.add(min(shown, key=lambda cell: (counts[cell], repr(cell))))
                changed = True
    return hidden
