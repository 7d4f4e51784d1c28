"""Small-count suppression, on tables small enough to check by hand."""

from itertools import product

from chalicelib.consultations.suppression import suppressed_cells


def test_counts_under_5_are_suppressed_zero_included():
    assert suppressed_cells({"a": 4, "b": 5, "c": 0}, []) == {"a", "c"}


def test_a_lone_suppressed_cell_takes_the_smallest_other_of_its_line_with_it():
    # yes + no = answered: showing 7 and 9 would tell the 2
    counts = {"yes": 7, "no": 2, "answered": 9}
    assert suppressed_cells(counts, [["yes", "no", "answered"]]) == {"no", "yes"}


def test_suppression_spreads_over_crossing_lines_until_no_line_has_a_lone_one():
    # Two neighbourhoods x two options, with their margins
    counts = {("s", "y"): 7, ("s", "n"): 2, ("s", "t"): 9, ("n", "y"): 6, ("n", "n"): 0, ("n", "t"): 6,
              ("a", "y"): 13, ("a", "n"): 2, ("a", "t"): 15}
    rows = [[(r, "y"), (r, "n"), (r, "t")] for r in "sna"]
    columns = [[("s", c), ("n", c), ("a", c)] for c in "ynt"]
    hidden = suppressed_cells(counts, rows + columns)
    assert all(counts[cell] >= 5 or cell in hidden for cell in counts)
    for line in rows + columns:
        assert sum(cell in hidden for cell in line) != 1, line


def test_every_small_table_ends_with_no_lone_suppressed_cell():
    # Exhaustive over small 2x2 tables: the rule always ends, and never leaves a line with one hidden cell
    for a, b, c, d in product((0, 3, 5, 8), repeat=4):
        counts = {"a": a, "b": b, "c": c, "d": d, "r1": a + b, "r2": c + d, "c1": a + c, "c2": b + d, "t": a + b + c + d}
        lines = [["a", "b", "r1"], ["c", "d", "r2"], ["a", "c", "c1"], ["b", "d", "c2"], ["r1", "r2", "t"],
                 ["c1", "c2", "t"]]
        hidden = suppressed_cells(counts, lines)
        assert {k for k, v in counts.items() if v < 5} <= hidden
        assert all(sum(cell in hidden for cell in line) != 1 for line in lines), counts
