"""The printed letter: one A4 page per household, with its code and a QR code of the join link.

The address block sits where a C5/DL window envelope shows it (DIN 5008 form B: window 20 mm from
the left, 45 mm from the top, 90 × 45 mm). The text comes from the server catalogues, in lb, fr,
de, en and pt. fpdf2 loads here and segno in chalicelib/printing.py, so no other request pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chalicelib.i18n import long_date, translate
from chalicelib.printing import latin, qr, wrapped
from chalicelib.languages import LANGUAGES

WINDOW_X, WINDOW_Y, WINDOW_W, WINDOW_H = 20.0, 45.0, 90.0, 45.0
FOLD_MARKS_Y = (105.0, 210.0)  # DL fold marks of DIN 5008 form B
QR_SIZE = 38.0
LANGUAGE_NAMES = {"lb": "Lëtzebuergesch", "fr": "Français", "de": "Deutsch", "en": "English", "pt": "Português"}



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
    pdf.set_title(latin(f"Noper - {commune}"))
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
    pdf.cell(WINDOW_W - 10, 3.5, latin(translate(sender_language, "letter.sender", commune=commune)))
    pdf.set_text_color(0)
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(WINDOW_X + 5, WINDOW_Y + 12)
    for line in (translate(sender_language, "letter.addressee"), letter.street_line, letter.town_line):
        pdf.set_x(WINDOW_X + 5)
        pdf.cell(WINDOW_W - 10, 5.5, latin(line), new_x="LMARGIN", new_y="NEXT")
    # the QR code of the join link, and the code under it
    qr_x, qr_y = 210 - 20 - QR_SIZE, WINDOW_Y
    qr(pdf, letter.join_url, qr_x, qr_y, QR_SIZE)
    pdf.set_font("Courier", style="B", size=16)
    pdf.set_xy(qr_x - 12, qr_y + QR_SIZE + 2)
    pdf.cell(QR_SIZE + 24, 7, letter.code, align="C")
    # the heading and the text, one paragraph per language
    pdf.set_xy(20, 100)
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 7, latin(f"Noper - {letter.neighbourhood}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5, latin(letter.join_url), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for language in LANGUAGES:
        pdf.set_font("Helvetica", style="B", size=9)
        pdf.cell(0, 4.5, latin(LANGUAGE_NAMES[language]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        text = translate(language, "letter.body", commune=commune, neighbourhood=letter.neighbourhood,
                         code=letter.code, expires=long_date(letter.expires, language), households=letter.households,
                         url=letter.join_url.split("?")[0])
        for line in wrapped(pdf, latin(text), 210 - 40, widths):
            pdf.cell(0, 4.2, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
