"""Indicators from counters: the median from the buckets, the proxies, suppression under 5 (pure functions)."""

from datetime import date

from chalicelib.content.counters import COUNTERS
from chalicelib.indicators import figures as f
from chalicelib.indicators.service import period_bounds, previous_bounds


def counts(**values):
    return {**dict.fromkeys(COUNTERS, 0.0), **values}


def test_the_median_first_answer_is_the_bound_of_the_bucket_holding_the_middle_answer():
    assert f.median_hours(counts()) is None
    assert f.median_hours(counts(first_answer_1h=1, first_answer_6h=1, first_answer_24h=3)) == 24
    assert f.median_hours(counts(first_answer_1h=3, first_answer_later=2)) == 1
    assert f.median_hours(counts(first_answer_1h=1, first_answer_later=5)) is None  # beyond a week: no bound


def test_the_quality_proxies_divide_what_the_docs_say():
    out = f.figures(counts(posts=20, posts_help_request=10, first_answer_1h=4, first_answer_24h=2, first_answer_7d=1,
                           help_requests_answered=7, help_done=6, thanks=30, loans_returned=4, loans_on_time=3,
                           reports=2, posts_hidden=1, appeals=2, appeals_upheld=1, verified_gained=4,
                           newcomers_welcomed=3, weekly_active=40),
                    weeks=4, verified=20, households=12, address_count=100)
    assert out["help_answered_48h_share"] == 0.6 and out["help_solved_share"] == 0.6
    assert out["thanks_per_post"] == 1.5 and out["loans_on_time_share"] == 0.75
    assert out["reports_per_1000_posts"] == 100.0 and out["posts_hidden_share"] == 0.05
    assert out["appeals_upheld_share"] == 0.5 and out["newcomers_welcomed_share"] == 0.75
    assert out["adoption"] == 0.12 and out["weekly_active"] == 10 and out["weekly_active_share"] == 0.5


def _places(**posts):
    figures = {p: f.figures(counts(posts=v), weeks=1, verified=50, households=50, address_count=100)
               for p, v in posts.items()}
    raw = {p: counts(posts=v) for p, v in posts.items()}
    return figures, raw


def test_a_figure_under_5_is_hidden_and_a_second_one_too_so_the_total_does_not_reveal_it():
    figures, raw = _places(a=3, b=40, c=12, d=9)
    hidden = f.suppress(figures, raw)
    # a is under 5; c, d, b are not: the smallest other one (d) goes too, or total - b - c would tell a.
    assert "posts" in hidden["a"] and "posts" in hidden["d"]
    assert "posts" not in hidden["b"] and "posts" not in hidden["c"]


def test_two_small_figures_need_no_complement_and_zero_is_small():
    figures, raw = _places(a=0, b=2, c=12, d=9)
    hidden = f.suppress(figures, raw)
    assert "posts" in hidden["a"] and "posts" in hidden["b"]
    assert "posts" not in hidden["c"] and "posts" not in hidden["d"]


def test_a_ratio_built_on_a_hidden_count_is_hidden():
    figures, raw = _places(a=3, b=40, c=12)
    hidden = f.suppress(figures, raw)
    assert "thanks_per_post" in hidden["a"] and "reports_per_1000_posts" in hidden["a"]


def test_periods_are_whole_iso_weeks():
    assert period_bounds("week", date(2026, 11, 15)) == (date(2026, 11, 9), date(2026, 11, 15))
    # November 2026: the weeks whose Thursday is in November
    assert period_bounds("month", date(2026, 11, 15)) == (date(2026, 11, 2), date(2026, 11, 29))
    assert previous_bounds("month", date(2026, 11, 2)) == (date(2026, 9, 28), date(2026, 11, 1))
    assert period_bounds("year", date(2026, 6, 1)) == (date(2025, 12, 29), date(2027, 1, 3))
