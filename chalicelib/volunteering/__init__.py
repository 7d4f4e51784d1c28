"""Volunteering (issue #12): calls for volunteers with roles and shifts, sign-ups, attendance confirmed by the
organiser and counted as volunteer actions and hours in the weekly counters; reminders the day before; skills
neighbours offer, the "who can help" directory and welcome buddies."""

from chalicelib.volunteering import your_data as _your_data  # noqa: F401,E402  registers the "volunteering" content owner
