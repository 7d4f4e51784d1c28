"""The printed letter: one A4 page per household, with its code and a QR code of the join link.

The address block sits where a C5/DL window envelope shows it (DIN 5008 form B: window 20 mm from
the left, 45 mm from the top, 90 × 45 mm). The text comes from the server catalogues, in lb, fr,
de, en and pt. fpdf2 and segno are imported here only, so no other request pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chalicelib.i18n import long_date, translate
from chalicelib.languages import LANGUAGES

WINDOW_X, WINDOW_Y, WINDOW_W, WINDOW_H = 20.0, 45.0, 90.0, 45.0
FOLD_MARKS_Y = (105.0, 210.0)  # DL fold marks of DIN 5008 form B
QR_SIZE = 38.0
LANGUAGE_NAMES = {"lb": "Lëtzebuergesch", "fr": "Français", "de": "Deutsch", "en": "English", "pt": "Português"}
# The PDF core fonts speak Latin-1; the catalogues' typography is mapped onto it.
TYPOGRAPHY = str.maketrans({"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "…": "...",
                            "\u00a0": " ", "\u202f": " "})


@dataclass(frozen=True)
class Letter:
    street_line: str  # "Rue de l'Église 12"
    town_line: str  # "9710 Clervaux"
    neighbourhood: str
    code: str  # printed form, K7QF-2M9X-PD
    join_url: str
    expires: date  # the last day the code works
    households: int


def join_url(site: str, code: str) -> str:
    return f"{site.rstrip('/')}/join?code={code}"


def render(commune: str, letters: list[Letter], sender_language: str = "fr") -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 15, 20)
    pdf.set_title(_latin(f"Noper - {commune}"))
    pdf.set_creator("Noper")
    widths: dict[str, float] = {}  # of the body text's words, in its one font
    for letter in letters:
        pdf.add_page()
        _page(pdf, commune, letter, sender_language, widths)
    return bytes(pdf.output())


def _page(pdf, commune: str, letter: Letter, sender_language: str, widths: dict[str, float]) -> None:
    # fold marks in the left margin
    pdf.set_draw_color(150)
    pdf.set_line_width(0.2)
    for y in FOLD_MARKS_Y:
        pdf.line(4, y, 9, y)
    # sender line at the top of the window, then the address block inside it
    pdf.set_text_color(90)
    pdf.set_font("Helvetica", size=7)
    pdf.set_xy(WINDOW_X + 5, WINDOW_Y + 3)
    pdf.cell(WINDOW_W - 10, 3.5, _latin(translate(sender_language, "letter.sender", commune=commune)))
    pdf.set_text_color(0)
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(WINDOW_X + 5, WINDOW_Y + 12)
    for line in (translate(sender_language, "letter.addressee"), letter.street_line, letter.town_line):
        pdf.set_x(WINDOW_X + 5)
        pdf.cell(WINDOW_W - 10, 5.5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    # the QR code of the join link, and the code under it
    qr_x, qr_y = 210 - 20 - QR_SIZE, WINDOW_Y
    _qr(pdf, letter.join_url, qr_x, qr_y, QR_SIZE)
    pdf.set_font("Courier", style="B", size=16)
    pdf.set_xy(qr_x - 12, qr_y + QR_SIZE + 2)
    pdf.cell(QR_SIZE + 24, 7, letter.code, align="C")
    # the heading and the text, one paragraph per language
    pdf.set_xy(20, 100)
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 7, _latin(f"Noper - {letter.neighbourhood}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5, _latin(letter.join_url), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for language in LANGUAGES:
        pdf.set_font("Helvetica", style="B", size=9)
        pdf.cell(0, 4.5, _latin(LANGUAGE_NAMES[language]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        text = translate(language, "letter.body", commune=commune, neighbourhood=letter.neighbourhood,
                         code=letter.code, expires=long_date(letter.expires, language), households=letter.households,
                         url=letter.join_url.split("?")[0])
        for line in _wrapped(pdf, _latin(text), 210 - 40, widths):
            pdf.cell(0, 4.2, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)


def _wrapped(pdf, text: str, width: float, widths: dict[str, float]) -> list[str]:
    """Greedy line breaking with each word measured once per batch (fpdf2's multi_cell re-measures
    the whole line at every character: 60 ms a page, too slow for a neighbourhood of letters)."""
    space = widths.setdefault(" ", pdf.get_string_width(" "))
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word in text.split():
        size = widths.get(word)
        if size is None:
            size = widths[word] = pdf.get_string_width(word)
        if line and used + space + size > width:
            lines.append(" ".join(line))
            line, used = [], 0.0
        used += (space if line else 0.0) + size
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def _qr(pdf, data: str, x: float, y: float, size: float) -> None:
    """The QR code as one filled PDF path of rectangles (a run of dark modules each): vector and sharp.
    Written as raw path operators: fpdf2's `rect` per run cost half the time of a page."""
    import segno

    # A fixed mask (any is valid) saves choosing the best of eight: 5 ms a letter.
    matrix = segno.make(data, error="m", micro=False, mask=2, boost_error=False).matrix
    module, k, top = size / len(matrix), pdf.k, pdf.h
    path = []
    for row, modules in enumerate(matrix):
        column = 0
        while column < len(modules):
            if not modules[column]:
                column += 1
                continue
            start = column
            while column < len(modules) and modules[column]:
                column += 1
            path.append(f"{(x + start * module) * k:.2f} {(top - y - row * module) * k:.2f} "
                        f"{(column - start) * module * k:.2f} {-module * k:.2f} re")
    pdf._out("q 0 g " + " ".join(path) + " f Q")  # noqa: SLF001 (fpdf2 is pinned)


def _latin(text: str) -> str:
    return text.translate(TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")
