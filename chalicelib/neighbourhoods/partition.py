"""Partitioning a commune's populated cells into neighbourhoods: pure functions, no database.

Adjacency is H3's: two res-9 cells are neighbours when they share an edge. Every function sorts
what it iterates, so the same input gives the same output (no randomness anywhere).
"""

from __future__ import annotations

import functools
import heapq
from collections import Counter, deque
from collections.abc import Iterable, Mapping

import h3

RESOLUTION = 9
DEFAULT_HOUSEHOLDS = 300


@functools.lru_cache(maxsize=100_000)
def _ring(cell: str) -> tuple[str, ...]:
    """The six (five at a pentagon) neighbours, sorted; cached because partitioning asks often."""
    return tuple(sorted(h3.grid_ring(cell, 1)))


def neighbours(cell: str) -> list[str]:
    return list(_ring(cell))


def components(cells: Iterable[str]) -> list[list[str]]:
    """H3-connected groups of the cells (e.g. separate villages), each sorted, ordered by first cell."""
    remaining = set(cells)
    groups = []
    for start in sorted(remaining):
        if start in remaining:
            group = set(_distances(start, remaining))
            remaining -= group
            groups.append(sorted(group))
    return groups


def is_contiguous(cells: Iterable[str]) -> bool:
    return len(components(cells)) <= 1


def are_adjacent(a: Iterable[str], b: Iterable[str]) -> bool:
    other = set(b)
    return any(n in other for cell in a for n in _ring(cell))


def partition(weights: Mapping[str, int], households: int = DEFAULT_HOUSEHOLDS) -> list[list[str]]:
    """Split the cells (cell -> address count) into contiguous regions of about `households` addresses.

    Each connected component is partitioned on its own, so no region spans two villages; a
    component is cut into k = round(addresses / households) regions (at least 1). Regions are
    grown from k far-apart seeds, the lightest region taking its nearest free cell each step,
    then rebalanced by moving border cells from heavier to lighter neighbours while the donor
    stays contiguous. Returns sorted regions, each a sorted list of cells.
    """
    if households < 1:
        raise ValueError("households must be positive")
    regions: list[list[str]] = []
    for component in components(weights):
        total = sum(weights[cell] for cell in component)
        k = max(1, min(len(component), round(total / households)))
        regions.extend(_cut(component, weights, k))
    return sorted(regions)


def split_in_two(cells: Iterable[str], weights: Mapping[str, int]) -> tuple[list[str], list[str]]:
    """Two parts of about equal address count, each contiguous if the whole was; the heavier first."""
    cells = sorted(set(cells))
    if len(cells) < 2:
        raise ValueError("a single cell cannot be split")
    groups = components(cells)
    if len(groups) == 1:
        first, second = _cut(cells, weights, 2)
    else:  # already in pieces: hand whole pieces to the lighter side, heaviest piece first
        sides: list[list[str]] = [[], []]
        for group in sorted(groups, key=lambda g: (-_weight(g, weights), g)):
            lighter = min((0, 1), key=lambda i: (_weight(sides[i], weights), i))
            sides[lighter].extend(group)
        first, second = sorted(sides[0]), sorted(sides[1])
    if (_weight(second, weights), second) > (_weight(first, weights), first):
        first, second = second, first
    return first, second


def _weight(cells: Iterable[str], weights: Mapping[str, int]) -> int:
    return sum(weights.get(cell, 0) for cell in cells)


def _distances(start: str, allowed: set[str]) -> dict[str, int]:
    """Steps from `start` to every cell reachable through `allowed` (breadth first)."""
    seen = {start: 0}
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        for n in _ring(cell):
            if n in allowed and n not in seen:
                seen[n] = seen[cell] + 1
                queue.append(n)
    return seen


def _cut(component: list[str], weights: Mapping[str, int], k: int) -> list[list[str]]:
    if k <= 1:
        return [sorted(component)]
    allowed = set(component)
    seeds, distances = _far_apart_seeds(component, allowed, k)
    owner = _grow(allowed, seeds, distances, weights)
    _rebalance(owner, weights, k)
    regions: list[list[str]] = [[] for _ in range(k)]
    for cell in sorted(owner):
        regions[owner[cell]].append(cell)
    return [region for region in regions if region]


def _far_apart_seeds(component: list[str], allowed: set[str], k: int) -> tuple[list[str], list[dict[str, int]]]:
    from_corner = _distances(component[0], allowed)
    first = max(component, key=lambda c: (from_corner[c], c))
    seeds, distances = [first], [_distances(first, allowed)]
    nearest = dict(distances[0])
    while len(seeds) < k:
        seed = max((c for c in component if c not in seeds), key=lambda c: (nearest[c], c))
        seeds.append(seed)
        distances.append(_distances(seed, allowed))
        for cell, steps in distances[-1].items():
            nearest[cell] = min(nearest[cell], steps)
    return seeds, distances


def _grow(allowed: set[str], seeds: list[str], distances: list[dict[str, int]], weights: Mapping[str, int]) -> dict[str, int]:
    owner = {seed: i for i, seed in enumerate(seeds)}
    load = [weights[seed] for seed in seeds]
    frontier: list[list[tuple[int, str]]] = [[] for _ in seeds]
    for i, seed in enumerate(seeds):
        for n in _ring(seed):
            if n in allowed and n not in owner:
                heapq.heappush(frontier[i], (distances[i][n], n))
    active = set(range(len(seeds)))
    while len(owner) < len(allowed) and active:
        i = min(active, key=lambda r: (load[r], r))
        while frontier[i] and frontier[i][0][1] in owner:
            heapq.heappop(frontier[i])
        if not frontier[i]:
            active.discard(i)
            continue
        _, cell = heapq.heappop(frontier[i])
        owner[cell] = i
        load[i] += weights[cell]
        for n in _ring(cell):
            if n in allowed and n not in owner:
                heapq.heappush(frontier[i], (distances[i][n], n))
    return owner


def _rebalance(owner: dict[str, int], weights: Mapping[str, int], k: int, rounds: int = 200) -> None:
    """Move border cells from a heavier region to a lighter neighbour while that narrows their gap.

    Each move lowers the sum of squared loads, so this ends; the donor must stay contiguous.
    """
    load = Counter({i: 0 for i in range(k)})
    members: dict[int, set[str]] = {i: set() for i in range(k)}
    for cell, i in owner.items():
        load[i] += weights[cell]
        members[i].add(cell)
    for _ in range(rounds):
        moved = False
        for cell in sorted(owner):
            a = owner[cell]
            w = weights[cell]
            if w <= 0 or len(members[a]) < 2:
                continue
            targets = sorted({owner[n] for n in _ring(cell) if n in owner and owner[n] != a})
            targets = [b for b in targets if load[a] - load[b] > w]
            if not targets or not is_contiguous(members[a] - {cell}):
                continue
            b = min(targets, key=lambda r: (load[r], r))
            owner[cell] = b
            members[a].discard(cell)
            members[b].add(cell)
            load[a] -= w
            load[b] += w
            moved = True
        if not moved:
            return


def name_regions(
    regions: list[list[str]],
    streets: Mapping[str, Counter[str]],
    localities: Mapping[str, Counter[str]],
    taken: Iterable[str] = (),
) -> list[str]:
    """A unique name per region (same order): its locality when it holds all of that locality's
    addresses (a village), else its main street not yet used, else "<street> (<locality>)" or a number.

    `streets`/`localities` give, per cell, the address count per street and per locality.
    """
    used = {name.casefold() for name in taken}
    locality_totals: Counter[str] = Counter()
    for cell_localities in localities.values():
        locality_totals.update(cell_localities)
    names: dict[int, str] = {}
    weight = [sum(sum(streets.get(c, Counter()).values()) for c in region) for region in regions]
    for index in sorted(range(len(regions)), key=lambda i: (-weight[i], regions[i])):
        region_streets: Counter[str] = Counter()
        region_localities: Counter[str] = Counter()
        for cell in regions[index]:
            region_streets.update(streets.get(cell, {}))
            region_localities.update(localities.get(cell, {}))
        locality = _most_common(region_localities)
        candidates = []
        if locality and region_localities[locality] == locality_totals[locality]:
            candidates.append(locality)
        candidates += sorted(region_streets, key=lambda s: (-region_streets[s], s))
        main = candidates[0] if candidates else "Neighbourhood"
        if locality and locality != main:
            candidates.append(f"{main} ({locality})")
        name = next((c for c in candidates if c.casefold() not in used), None)
        number = 2
        while name is None or name.casefold() in used:
            name = f"{main} {number}"
            number += 1
        used.add(name.casefold())
        names[index] = name
    return [names[i] for i in range(len(regions))]


def _most_common(counts: Counter[str]) -> str | None:
    return min(counts, key=lambda s: (-counts[s], s)) if counts else None
