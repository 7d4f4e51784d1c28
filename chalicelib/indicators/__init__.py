"""The commune's indicators (issue #14): dashboard, CSV, yearly report, public headline figures, monthly snapshots,
running costs and the backfill. Aggregates of the weekly counters (chalicelib/content/counters.py), never content."""
