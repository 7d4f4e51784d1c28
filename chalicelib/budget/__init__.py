"""Participatory budget (issue #13): editions, proposals, ballots and their results by the Method of Equal Shares."""
