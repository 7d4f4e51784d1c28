"""A resident's certificate of volunteering (issue #12, point 2): their own confirmed participations, as
`/me/volunteering/record` gives them (signups.record: one Query of their own sign-ups, nobody else's), printed as an
A4 PDF in their language: per activity its organiser, each shift's date, role and hours, the activity's total; the
totals; the commune's name (copied onto each sign-up); the day it was issued and a short statement. Useful for a CV or a school.

Fonts as for the letters and the paper digest (chalicelib/printing.py): the PDF core fonts, the catalogues'
typography mapped onto Latin-1. Imported by its route only (fpdf2 and Babel stay off the API's cold start).
"""

from __future__ import annotations

from datetime import date

from chalicelib.adapters.clock import now
from chalicelib.communes.service import get_commune
from chalicelib.errors import NotFound
from chalicelib.i18n import long_date, plural, translate
from chalicelib.policy import Principal
from chalicelib.printing import latin, wrapped
from chalicelib.volunteering.models import VolunteeringRecord
from chalicelib.volunteering.signups import record

TITLE, HEADING, BODY, SMALL = 22, 14, 11, 9  # points
MM_PER_POINT = 0.3528
MARGIN = 20
WIDTH = 210 - 2 * MARGIN


def certificate(principal: Principal, language: str) -> tuple[str, bytes]:
    """(its file name, the PDF). The commune's name comes with the sign-ups (copied when signing up); only sign-ups
    older than that copy read the commune (one GetItem)."""
    mine = record(principal)
    commune = mine.commune
    if commune is None and mine.entries and principal.lau2:
        try:
            commune = get_commune(principal.lau2).name
        except NotFound:
            commune = None
    pdf = render(mine, commune, language, now().date())
    return f"{translate(language, 'certificate.filename')}.pdf", pdf


def _hours(value: float, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(round(value, 2), format="#,##0.##", locale=language)


def render(mine: VolunteeringRecord, commune: str | None, language: str, issued: date) -> bytes:
    from fpdf import FPDF

    def t(key: str, **params: object) -> str:
        return translate(language, key, **params)

    def hours(value: float) -> str:
        return plural(language, "certificate.hours", value, _hours(value, language))

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title(latin(t("certificate.title")))
    pdf.set_creator("Noper")
    pdf.set_lang(language)
    pdf.add_page()
    widths: dict[tuple[int, str], dict[str, float]] = {}  # words measured once per font

    def paragraph(text: str, size: int, style: str = "", gap: float = 1.5, indent: float = 0) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        for line in wrapped(pdf, latin(text), WIDTH - indent, widths.setdefault((size, style), {})):
            pdf.set_x(MARGIN + indent)
            pdf.cell(0, size * MM_PER_POINT * 1.4, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    if commune:
        paragraph(t("certificate.commune", commune=commune), HEADING, "", 4)
    paragraph(t("certificate.title"), TITLE, "B", 6)
    paragraph(t("certificate.statement", name=mine.name or t("certificate.someone")), BODY, "", 6)
    if not mine.entries:
        paragraph(t("certificate.none"), BODY, "I", 6)
    shifts: dict[str, list] = {}  # each call's entries, in the order of `activities` (both by first confirmed shift)
    for entry in mine.entries:
        shifts.setdefault(entry.call_id, []).append(entry)
    for activity, entries in zip(mine.activities, shifts.values(), strict=True):
        paragraph(activity.title, HEADING, "B", 0.5)
        paragraph(t("certificate.organiser", organiser=activity.organiser), BODY, "", 1)
        for entry in entries:
            paragraph(t("certificate.line", date=long_date(entry.start, language), role=entry.role,
                            hours=_hours(entry.hours, language)), BODY, "", 0.5, indent=5)
        paragraph(t("certificate.activity_total", actions=plural(language, "certificate.participations", activity.actions),
                    hours=hours(activity.hours)), BODY, "B", 5, indent=5)
    paragraph(t("certificate.total", actions=plural(language, "certificate.actions", mine.total_actions),
                hours=hours(mine.total_hours)), HEADING, "B", 8)
    issued_on = long_date(issued, language)
    paragraph(t("certificate.issued", date=issued_on, commune=commune) if commune
              else t("certificate.issued_nowhere", date=issued_on), SMALL)
    return bytes(pdf.output())
