"""The yearly report for the commune council: a PDF (fpdf2 core fonts, as the letters and certificates,
chalicelib/printing.py), once in each of the commune's languages, built from the year's frozen monthly snapshots only
(chalicelib/indicators/snapshots.py), so that it never changes once the months are frozen. Four Queries and one
GetItem: the commune, its neighbourhoods, its year's months, the year's costs and the communes (for the share).

Pages: the four indicators with their year's figures and month-by-month trends; adoption per neighbourhood (figures
under 5 hidden, with complementary suppression); how each proxy is measured; what Noper cost to run that year.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from chalicelib.adapters.clock import now
from chalicelib.communes.models import load_commune
from chalicelib.communes.service import list_communes
from chalicelib.consultations.suppression import THRESHOLD, suppressed_cells
from chalicelib.content.counters import MonthStatsItem
from chalicelib.i18n import long_date, translate
from chalicelib.indicators import figures as f
from chalicelib.indicators.snapshots import costs_of, months_of
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.printing import latin, wrapped

MARGIN = 18
WIDTH = 210 - 2 * MARGIN
TITLE, HEADING, BODY, SMALL = 20, 13, 10, 8  # points
MM_PER_POINT = 0.3528
# The figures the report shows for each indicator (its trend table's columns: at most five fit a page's width).
SHOWN = {
    "users": ("verified", "households", "adoption", "new_verified", "weekly_active", "weekly_active_share",
              "households_active_share"),
    "exchanges": ("posts", "comments", "messages", "exchanges", "events"),
    "volunteering": ("volunteer_actions", "volunteer_hours"),
    "quality": ("help_answered_48h_share", "first_answer_median_hours", "help_solved_share", "thanks_per_post",
                "loans_on_time_share", "reports_per_1000_posts", "posts_hidden_share", "appeals_upheld_share",
                "newcomers_welcomed_share"),
}
TREND_COLUMNS = {"users": ("verified", "households", "adoption", "new_verified", "weekly_active"),
                 "quality": ("help_answered_48h_share", "help_solved_share", "thanks_per_post", "loans_on_time_share",
                             "newcomers_welcomed_share")}
DEFINED = ("adoption", "weekly_active", "households_active_share", *SHOWN["quality"])
SHARES = {"adoption", "weekly_active_share", *(name for name in f.FIGURES if name.endswith("_share"))}


def yearly_report(lau2: str, year: int) -> tuple[str, bytes]:
    """(file name, PDF): the report in each of the commune's languages, one after the other."""
    commune = load_commune(lau2)
    nbhs = list(NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX)))
    months = months_of(lau2, year)
    costs = costs_of(year)
    communes = len(list_communes().communes)
    languages = list(commune.languages or ["fr"])
    pdf = render(commune.name, year, languages, nbhs, months, costs, communes, now().date())
    return f"{translate(languages[0], 'indicators.report.filename', lau2=lau2, year=year)}.pdf", pdf


def year_figures(months: list[MonthStatsItem]) -> tuple[dict[str, float | None], dict[str, dict[str, float | None]]]:
    """The year's figures (counts summed, gauges at the last frozen month's end, weekly means over its weeks) and
    each month's, for the whole commune."""
    by_month: dict[str, list[MonthStatsItem]] = defaultdict(list)
    for item in months:
        by_month[item.sk.split("#", 1)[0]].append(item)

    def of(items: list[MonthStatsItem], weeks: int, last: list[MonthStatsItem]) -> dict[str, float | None]:
        counts = f.add_up(items)
        return f.figures(counts, weeks=weeks, verified=sum(float(i.verified or 0) for i in last),
                         households=sum(float(i.households or 0) for i in last),
                         address_count=sum(float(i.address_count or 0) for i in last))

    monthly = {month: of(items, int(items[0].weeks or 4), items) for month, items in sorted(by_month.items())}
    if not by_month:
        return {}, {}
    last = by_month[max(by_month)]
    weeks = sum(int(items[0].weeks or 4) for items in by_month.values())
    return of(months, weeks, last), monthly


def adoption_rows(nbhs: list[NeighbourhoodItem], months: list[MonthStatsItem]) -> list[tuple[str, int, float | None,
                                                                                                float | None]]:
    """(name, addresses, households or None when hidden, adoption or None) per neighbourhood at the year's last
    frozen month, households under 5 hidden with complementary suppression."""
    if not months:
        return []
    last = max(item.sk.split("#", 1)[0] for item in months)
    households = {item.sk.split("#", 1)[1]: float(item.households or 0) for item in months
                  if item.sk.startswith(f"{last}#")}
    names = {n.id: (n.name, int(n.address_count or 0)) for n in nbhs}
    hidden = suppressed_cells(households, [list(households)], THRESHOLD)
    rows = []
    for nbh_id, count in sorted(households.items(), key=lambda pair: names.get(pair[0], (pair[0], 0))[0]):
        name, addresses = names.get(nbh_id, (nbh_id, 0))
        shown = None if nbh_id in hidden else count
        rows.append((name, addresses, shown, round(shown / addresses, 4) if shown is not None and addresses else None))
    return rows


def _value(name: str, value: float | None, language: str) -> str:
    from babel.numbers import format_decimal, format_percent

    if value is None:
        return "-"
    if name in SHARES:
        return format_percent(value, format="#,##0.#%", locale=language)
    if name == "eur":
        return format_decimal(value, format="#,##0.00", locale=language)
    return format_decimal(round(value, 2), format="#,##0.##", locale=language)


def render(commune: str, year: int, languages: list[str], nbhs: list[NeighbourhoodItem], months: list[MonthStatsItem],
           costs: dict[str, float], communes: int, issued: date) -> bytes:
    from babel.dates import format_date
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_creator("Noper")
    pdf.set_lang(languages[0])
    pdf.set_title(latin(translate(languages[0], "indicators.report.title", commune=commune, year=year)))
    widths: dict[tuple[int, str], dict[str, float]] = {}
    totals, monthly = year_figures(months)
    adoption = adoption_rows(nbhs, months)
    residents = int(totals.get("verified") or 0)

    def paragraph(text: str, size: int, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        for line in wrapped(pdf, latin(text), WIDTH, widths.setdefault((size, style), {})):
            pdf.cell(0, size * MM_PER_POINT * 1.4, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def table(header: list[str], rows: list[list[str]], first: float) -> None:
        other = (WIDTH - first) / max(len(header) - 1, 1)
        height = SMALL * MM_PER_POINT * 1.6
        for index, row in enumerate([header, *rows]):
            pdf.set_font("Helvetica", style="B" if index == 0 else "", size=SMALL)
            for column, text in enumerate(row):
                width = first if column == 0 else other
                cut = latin(text)
                while cut and pdf.get_string_width(cut) > width - 1:
                    cut = cut[:-1]
                pdf.cell(width, height, cut, border="B" if index == 0 else 0, align="L" if column == 0 else "R")
            pdf.ln(height)
        pdf.ln(3)

    for language in languages:
        def t(key: str, **params: object) -> str:
            return translate(language, key, **params)

        def label(name: str) -> str:
            return t(f"indicators.figure.{name}")

        pdf.add_page()
        paragraph(t("indicators.report.title", commune=commune, year=year), TITLE, "B", 4)
        paragraph(t("indicators.report.intro"), BODY, "", 4)
        if not monthly:
            paragraph(t("indicators.report.no_months"), BODY, "I", 4)
        for group, names in SHOWN.items():
            paragraph(t(f"indicators.report.{group}"), HEADING, "B", 1)
            table(["", t("indicators.report.year_column", year=year)],
                  [[label(name), _value(name, totals.get(name), language)] for name in names], WIDTH * 0.7)
            columns = TREND_COLUMNS.get(group, names)
            if monthly:
                paragraph(t("indicators.report.trends"), SMALL, "B", 0.5)
                table([t("indicators.report.month"), *[label(name) for name in columns]],
                      [[format_date(date.fromisoformat(f"{month}-01"), "MMM yyyy", locale=language),
                        *[_value(name, values.get(name), language) for name in columns]]
                       for month, values in monthly.items()], 26)
        pdf.add_page()
        paragraph(t("indicators.report.adoption"), HEADING, "B", 1)
        paragraph(t("indicators.report.adoption_note"), SMALL, "", 2)
        table([t("indicators.report.neighbourhood"), t("indicators.report.addresses"), label("households"),
               label("adoption")],
              [[name, _value("addresses", addresses, language),
                t("indicators.report.fewer") if shown is None else _value("households", shown, language),
                t("indicators.report.fewer") if share is None else _value("adoption", share, language)]
               for name, addresses, shown, share in adoption], 70)
        paragraph(t("indicators.report.definitions"), HEADING, "B", 1)
        for name in DEFINED:
            paragraph(label(name), BODY, "B", 0)
            paragraph(t(f"indicators.definition.{name}"), SMALL, "", 1.5)
        paragraph(t("indicators.report.costs"), HEADING, "B", 1)
        if costs:
            total = sum(costs.values())
            paragraph(t("indicators.report.costs_total", months=len(costs), year=year,
                        eur=_value("eur", total, language)), BODY)
            paragraph(t("indicators.report.costs_per_commune", communes=max(communes, 1),
                        eur=_value("eur", total / max(communes, 1), language)), BODY)
            if residents:
                paragraph(t("indicators.report.costs_per_resident", residents=residents,
                            eur=_value("eur", total / max(communes, 1) / residents, language)), BODY)
        else:
            paragraph(t("indicators.report.costs_none"), BODY, "I")
        paragraph(t("indicators.report.issued", date=long_date(issued, language)), SMALL, "I", 0)
    return bytes(pdf.output())

