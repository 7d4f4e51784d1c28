"""Volunteering: calls for volunteers, shifts, skills and welcome buddies (issue #12)."""
