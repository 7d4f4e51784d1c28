"""Neighbourhood events: organised by residents, repeating by an RRULE, answered, in calendars and iCalendar feeds.

Importing the package registers its "your data" part (export and erasure) and, through the service, the content
kind `event`.
"""

from chalicelib.events import your_data as _your_data  # noqa: F401  registers the "events" content owner
