"""From counters to the indicators a commune judges Noper by: sums over a period, the quality proxies (ratios
and the median from the first answers' buckets), and small-count suppression. Pure functions: no reads.

Every figure is defined in docs/indicators.md; its name here is its name in the API, the CSV and the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.consultations.suppression import THRESHOLD, suppressed_cells
from chalicelib.content.counters import COUNTERS, FIRST_ANSWER_BUCKETS

# The four indicators of the issue, each with its figures (counts, then derived), in the order shown.
GROUPS: dict[str, tuple[str, ...]] = {
    "users": ("verified", "households", "adoption", "new_verified", "weekly_active", "weekly_active_share",
              "households_active", "households_active_share", "registered", "digest_recipients", "unsubscribes"),
    "exchanges": ("posts", "posts_discussion", "posts_help_request", "posts_help_offer", "posts_lost_pet",
                  "posts_found_pet", "posts_recommendation", "posts_giveaway", "comments", "messages", "thanks",
                  "exchanges", "help_done", "giveaways_given", "pets_reunited", "loans_returned", "events",
                  "event_going", "consultation_answers", "ballots"),
    "volunteering": ("volunteer_actions", "volunteer_hours", "calls", "shifts_filled", "buddies_paired"),
    "quality": ("help_answered_48h_share", "first_answer_median_hours", "help_solved_share", "thanks_per_post",
                "loans_on_time_share", "reports_per_1000_posts", "posts_hidden_share", "appeals_upheld_share",
                "newcomers_welcomed_share"),
}
# Figures that are counts of people or things (suppressed under 5 per neighbourhood); the others are derived
# from counts and hidden when one of the counts they come from is.
COUNTS = ("verified", "households", "new_verified", "weekly_active", "households_active", "registered", "digest_recipients",
          "unsubscribes", "posts", "posts_discussion", "posts_help_request", "posts_help_offer", "posts_lost_pet",
          "posts_found_pet", "posts_recommendation", "posts_giveaway", "comments", "messages", "thanks", "exchanges",
          "help_done", "giveaways_given", "pets_reunited", "loans_returned", "events", "event_going",
          "consultation_answers", "ballots", "volunteer_actions", "volunteer_hours", "calls", "shifts_filled",
          "buddies_paired")
# Derived figure -> the counts (or counters) it is computed from.
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "adoption": ("households",),
    "weekly_active_share": ("weekly_active", "verified"),
    "households_active_share": ("households_active", "households"),
    "help_answered_48h_share": ("posts_help_request", "help_requests_answered"),
    "first_answer_median_hours": ("help_requests_answered",),
    "help_solved_share": ("posts_help_request", "help_done"),
    "thanks_per_post": ("thanks", "posts"),
    "loans_on_time_share": ("loans_returned",),
    "reports_per_1000_posts": ("reports", "posts"),
    "posts_hidden_share": ("posts_hidden", "posts"),
    "appeals_upheld_share": ("appeals",),
    "newcomers_welcomed_share": ("new_verified",),
}
FIGURES: tuple[str, ...] = tuple(name for group in GROUPS.values() for name in group)


def counts_of(item: Any) -> dict[str, float]:
    """A week's or month's item as its counters (absent ones: 0)."""
    return {name: float(getattr(item, name, 0) or 0) for name in COUNTERS}


def add_up(items: Iterable[Any]) -> dict[str, float]:
    """Every counter summed over `items` (week or month items, or their `counts_of`)."""
    total = dict.fromkeys(COUNTERS, 0.0)
    for item in items:
        values = item if isinstance(item, dict) else counts_of(item)
        for name in COUNTERS:
            total[name] += values[name]
    return total


def median_hours(counts: Mapping[str, float]) -> float | None:
    """The median time to a first answer, from the buckets: the upper bound of the bucket holding the middle
    answer (a bound, so "within 6 hours" reads as 6); None without answers, or when it lies in the last, open one."""
    answered = sum(counts.get(name, 0) for name, _ in FIRST_ANSWER_BUCKETS)
    if answered <= 0:
        return None
    seen = 0.0
    for name, bound in FIRST_ANSWER_BUCKETS:
        seen += counts.get(name, 0)
        if seen >= answered / 2:
            return bound
    return None


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def figures(counts: Mapping[str, float], *, weeks: int, verified: float, households: float,
            address_count: float) -> dict[str, float | None]:
    """The figures of one place (a neighbourhood or the commune) over a period of `weeks` weeks, from its summed
    counters and its gauges at the period's end (verified residents, households, register addresses)."""
    within_48h = sum(counts.get(name, 0) for name, bound in FIRST_ANSWER_BUCKETS if bound is not None and bound <= 48)
    weekly_active = counts["weekly_active"] / weeks if weeks else 0.0
    households_active = counts["households_active"] / weeks if weeks else 0.0
    out: dict[str, float | None] = {
        "verified": verified, "households": households, "adoption": _share(households, address_count),
        "new_verified": counts["verified_gained"], "weekly_active": round(weekly_active, 1),
        "weekly_active_share": _share(weekly_active, verified),
        "households_active": round(households_active, 1),
        "households_active_share": _share(households_active, households),
        "help_answered_48h_share": _share(within_48h, counts["posts_help_request"]),
        "first_answer_median_hours": median_hours(counts),
        "help_solved_share": _share(counts["help_done"], counts["posts_help_request"] + counts["posts_help_offer"]),
        "thanks_per_post": round(counts["thanks"] / counts["posts"], 2) if counts["posts"] else None,
        "loans_on_time_share": _share(counts["loans_on_time"], counts["loans_returned"]),
        "reports_per_1000_posts": round(1000 * counts["reports"] / counts["posts"], 1) if counts["posts"] else None,
        "posts_hidden_share": _share(counts["posts_hidden"], counts["posts"]),
        "appeals_upheld_share": _share(counts["appeals_upheld"], counts["appeals"]),
        "newcomers_welcomed_share": _share(counts["newcomers_welcomed"], counts["verified_gained"]),
    }
    for name in COUNTS:
        if name not in out:
            out[name] = counts[name]
    return {name: out[name] for name in FIGURES}


def suppress(places: Mapping[str, Mapping[str, float | None]], raw: Mapping[str, Mapping[str, float]],
             threshold: int = THRESHOLD) -> dict[str, set[str]]:
    """Which figures of which neighbourhood are hidden ("fewer than 5"): every count under `threshold`, then
    complementary suppression per figure across the neighbourhoods (one hidden figure in a total that is shown
    would be the total minus the others: a second one is hidden too), then each derived figure whose counts are
    hidden or under `threshold` (`raw`: the counters it comes from). Answers neighbourhood -> hidden figure names."""
    hidden: dict[str, set[str]] = {place: set() for place in places}
    for name in COUNTS:
        cells = {place: float(values[name] or 0) for place, values in places.items()}
        for place in suppressed_cells(cells, [list(cells)], threshold):
            hidden[place].add(name)
    for place, values in places.items():
        for name, sources in DERIVED_FROM.items():
            if any(source in hidden[place] or float(raw[place].get(source, values.get(source) or 0) or 0) < threshold
                   for source in sources):
                hidden[place].add(name)
    return hidden
