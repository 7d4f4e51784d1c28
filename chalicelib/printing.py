"""Printing with fpdf2's core fonts: what the letters, the paper digest and the posters share.

Imported by modules that print only (fpdf2 and segno load inside them, never on the API's cold start).
"""

from __future__ import annotations

# The PDF core fonts speak Latin-1; the catalogues' typography is mapped onto it (the euro sign is not Latin-1:
# "EUR ", as the yearly report writes it; a voting card's "€{amount}" printed "?30,000.00").
TYPOGRAPHY = str.maketrans({"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "…": "...",
                            "\u00a0": " ", "\u202f": " ", "€": "EUR "})


def wrapped(pdf, text: str, width: float, widths: dict[str, float]) -> list[str]:
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


def qr(pdf, data: str, x: float, y: float, size: float) -> None:
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


def latin(text: str) -> str:
    return text.translate(TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")
