"""Loan reminders: the borrower is emailed the day before the return date, and once the day after
it if the item is still out (overdue), each exactly once and only if they want "loan_reminders".

Loans that are promised or out carry `gsi1pk=LOANS_DUE#<end date>` (chalicelib/lending/loans.py),
so each run is two Queries: the loans due tomorrow and the loans that were due yesterday, in
Luxembourg dates. Markers: `LOAN#<loan_id>#due_tomorrow` and `LOAN#<loan_id>#overdue`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from chalicelib.adapters.clock import LUXEMBOURG, now
from chalicelib.lending.models import LoanItem
from chalicelib.notifications import emails
from chalicelib.observability import logger
from chalicelib.web.site import site


def remind_loans(moment: datetime | None = None) -> int:
    """The daily job; returns how many reminders this run sent."""
    today = (moment or now()).astimezone(LUXEMBOURG).date()
    sent = 0
    for kind, end in (("due_tomorrow", today + timedelta(days=1)), ("overdue", today - timedelta(days=1))):
        for loan in LoanItem.by_due_date.query(LoanItem.due_key(end)):
            if _started(loan, today) and _remind(loan, kind, end):
                sent += 1
    logger.info("loan reminders sent", sent=sent, day=today.isoformat())
    return sent


def _started(loan: LoanItem, today: date) -> bool:
    """Out with the borrower: picked up, or accepted and begun (owners do not always mark the pick-up)."""
    return loan.state == "picked_up" or (loan.state == "accepted" and date.fromisoformat(loan.start) <= today)


def _remind(loan: LoanItem, kind: str, end: date) -> bool:
    return emails.email_resident(
        loan.borrower_id, "loan_reminders", f"LOAN#{loan.loan_id}#{kind}", "loan_reminder",
        lambda: {"kind": kind, "item": loan.item_name, "owner": emails.display_name(loan.owner_id), "due": end,
                 "item_url": f"{site()}/items/{loan.item_id}"})
