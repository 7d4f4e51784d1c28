"""Properties of the partition of populated cells into neighbourhoods (pure: no database)."""

from collections import Counter

import h3
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.neighbourhoods.partition import (
    are_adjacent, components, is_contiguous, name_regions, partition, split_in_two,
)

# Luxembourg's bounding box; clusters stay inside it.
LAT, LON = (49.45, 50.18), (5.73, 6.53)


@st.composite
def address_sets(draw) -> Counter:
    """cell -> address count for random points in a few clusters (towns and villages)."""
    weights: Counter = Counter()
    for _ in range(draw(st.integers(1, 4))):
        lat = draw(st.floats(LAT[0] + 0.02, LAT[1] - 0.02))
        lon = draw(st.floats(LON[0] + 0.03, LON[1] - 0.03))
        spread = draw(st.floats(0.001, 0.012))
        offsets = draw(st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1)), min_size=1, max_size=120))
        for dlat, dlon in offsets:
            weights[h3.latlng_to_cell(lat + dlat * spread, lon + dlon * spread * 1.5, 9)] += draw(st.integers(1, 12))
    return weights


@settings(max_examples=40, deadline=None)
@given(address_sets(), st.sampled_from([20, 50, 150, 300]))
def test_every_populated_cell_is_in_exactly_one_contiguous_neighbourhood(weights, households):
    regions = partition(weights, households)

    cells = [cell for region in regions for cell in region]
    assert sorted(cells) == sorted(weights)
    assert all(region and is_contiguous(region) for region in regions)


@settings(max_examples=40, deadline=None)
@given(address_sets(), st.sampled_from([20, 50, 150, 300]))
def test_no_neighbourhood_spans_two_villages_and_each_village_gets_about_its_share(weights, households):
    regions = partition(weights, households)

    for component in components(weights):
        inside = [r for r in regions if set(r) <= set(component)]
        assert sum(len(r) for r in inside) == len(component)  # every region lies in one component
        total = sum(weights[c] for c in component)
        assert len(inside) == max(1, min(len(component), round(total / households)))


@settings(max_examples=40, deadline=None)
@given(address_sets(), st.sampled_from([20, 50, 150]))
def test_sizes_are_roughly_balanced(weights, households):
    regions = partition(weights, households)

    for component in components(weights):
        inside = [r for r in regions if set(r) <= set(component)]
        if len(inside) < 2:
            continue
        loads = [sum(weights[c] for c in r) for r in inside]
        heaviest_cell = max(weights[c] for c in component)
        average = sum(loads) / len(loads)
        # A region may exceed the average by the cells it could not give away without tearing.
        assert max(loads) <= 2 * average + 2 * heaviest_cell


@settings(max_examples=20, deadline=None)
@given(address_sets(), st.sampled_from([50, 300]))
def test_proposing_twice_gives_the_same_partition(weights, households):
    shuffled = Counter(dict(sorted(weights.items(), reverse=True)))

    assert partition(weights, households) == partition(shuffled, households)


@settings(max_examples=30, deadline=None)
@given(address_sets())
def test_splitting_a_contiguous_neighbourhood_gives_two_contiguous_adjacent_halves(weights):
    region = max(components(weights), key=len)
    if len(region) < 2:
        return

    first, second = split_in_two(region, weights)

    assert sorted(first + second) == sorted(region) and not set(first) & set(second)
    assert is_contiguous(first) and is_contiguous(second) and are_adjacent(first, second)
    assert sum(weights[c] for c in first) >= sum(weights[c] for c in second)


def test_a_village_smaller_than_the_target_is_one_neighbourhood():
    village = {h3.latlng_to_cell(50.0547 + i * 0.001, 6.0306, 9): 3 for i in range(8)}

    assert partition(village, 300) == [sorted(set(village))]


def test_a_town_of_about_three_targets_is_cut_in_three_balanced_parts():
    centre = h3.latlng_to_cell(49.6116, 6.1319, 9)
    town = {cell: 10 for cell in h3.grid_disk(centre, 5)}  # 91 cells, 910 addresses

    loads = sorted(sum(town[c] for c in r) for r in partition(town, 300))

    assert len(loads) == 3 and loads[-1] - loads[0] <= 20


def test_names_prefer_the_village_then_the_main_street_and_are_unique():
    a, b, c = h3.latlng_to_cell(50.0, 6.0, 9), h3.latlng_to_cell(49.8, 6.2, 9), h3.latlng_to_cell(49.8, 6.21, 9)
    streets = {a: Counter({"Haaptstrooss": 5}), b: Counter({"Grand-Rue": 9, "Rue Neuve": 1}),
               c: Counter({"Grand-Rue": 8, "Rue Haute": 2})}
    localities = {a: Counter({"Hupperdange": 5}), b: Counter({"Clervaux": 10}), c: Counter({"Clervaux": 10})}

    names = name_regions([[a], [b], [c]], streets, localities)

    assert names == ["Hupperdange", "Grand-Rue", "Rue Haute"]
