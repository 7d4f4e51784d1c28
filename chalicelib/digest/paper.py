"""The paper digest: a neighbourhood's week as a print-ready A4 PDF in large type, in one language,
for an ambassador to print for neighbours without internet. Not personalised (it is handed to
several people): hidden posts are left out, as in every digest.

Fonts as for the letters (chalicelib/verification/letters.py): the PDF core fonts, with the
catalogues' typography mapped onto Latin-1.
"""

from __future__ import annotations

from chalicelib.adapters.clock import now
from chalicelib.digest.content import Digest, DigestPost, read_week
from chalicelib.digest.service import CommuneNews, _field, _last_day
from chalicelib.digest.weeks import week_before, week_bounds
from chalicelib.i18n import long_date, plural, translate
from chalicelib.neighbours.service import published_neighbourhood
from chalicelib.printing import latin, wrapped
from chalicelib.web.site import site

TITLE, HEADING, SUBHEADING, BODY, SMALL = 26, 19, 16, 15, 12  # points: large type
MM_PER_POINT = 0.3528
WIDTH = 210 - 2 * 18


def paper_digest(neighbourhood_id: str, week: str | None, language: str) -> tuple[str, bytes]:
    """(the week, the PDF)."""
    neighbourhood = published_neighbourhood(neighbourhood_id)  # 404 if not published
    week = week or week_before(now())
    start, end = week_bounds(week)
    content = read_week(neighbourhood_id, neighbourhood.lau2, neighbourhood.name, week, start, end)
    digest = content.for_resident("", set())
    news = CommuneNews(content).in_language(language)
    return week, render(neighbourhood.name, digest, news, language, start, _last_day(end))


def render(neighbourhood: str, digest: Digest, news: dict, language: str, start, end) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(latin(f"Noper - {neighbourhood}"))
    pdf.set_creator("Noper")
    pdf.set_lang(language)
    pdf.add_page()
    widths: dict[tuple[int, str], dict[str, float]] = {}  # words measured once per font

    def paragraph(text: str, size: int, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        for line in wrapped(pdf, latin(text), WIDTH, widths.setdefault((size, style), {})):
            pdf.cell(0, size * MM_PER_POINT * 1.35, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def posts(listed: list[DigestPost]) -> None:
        for post in listed:
            nearby = f" ({translate(language, 'digest.nearby')})" if post.nearby else ""
            paragraph(f"- {post.title}{nearby}", BODY, "B", 0.5)
            if post.excerpt:
                paragraph(post.excerpt, BODY, "", 3)

    paragraph(translate(language, "digest.paper.title", neighbourhood=neighbourhood), TITLE, "B", 1)
    paragraph(translate(language, "digest.paper.dates", start=long_date(start, language), end=long_date(end, language)),
              SUBHEADING, "", 5)
    if digest.empty and not news["announcements"] and not news["consultations"]:
        paragraph(translate(language, "digest.paper.quiet"), BODY, "", 5)
    if digest.new_posts:
        paragraph(translate(language, "digest.new_posts"), HEADING, "B", 2)
        for kind, listed in digest.new_posts.items():
            paragraph(translate(language, f"digest.kind.{kind}"), SUBHEADING, "B", 1)
            posts(listed)
    for key, listed in (("digest.open_help", digest.open_help), ("digest.giveaways", digest.giveaways),
                        ("digest.lost_pets", digest.lost_pets)):
        if listed:
            paragraph(translate(language, key), HEADING, "B", 2)
            posts(listed)
    if digest.lendables:
        paragraph(translate(language, "digest.lendables"), HEADING, "B", 2)
        for item in digest.lendables:
            paragraph(f"- {item.name}", BODY, "", 1)
    for key, listed in (("digest.announcements", news["announcements"]), ("digest.consultations", news["consultations"])):
        if listed:
            paragraph(translate(language, key), HEADING, "B", 2)
            for thing in listed:
                paragraph(f"- {_field(thing, 'title')}", BODY, "", 1)
    if digest.new_neighbours:
        paragraph(plural(language, "digest.new_neighbours", digest.new_neighbours), BODY, "", 3)
    pdf.ln(4)
    paragraph(translate(language, "digest.paper.footer", site=site()), SMALL, "I", 0)
    return bytes(pdf.output())
