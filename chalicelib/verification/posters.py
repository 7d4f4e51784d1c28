"""Launch material: the commune's poster (A4) and flyers (A5, A6), and a resident's invitation for a neighbour.

Each says what Noper is, carries a QR code of the join page (opened on the commune, or on the neighbourhood,
of the poster) and the three ways to get verified, in each of the languages given (the commune's, or the
inviting resident's). Printed with fpdf2's core fonts (chalicelib/printing.py); nothing here verifies anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.accounts.models import UserItem
from chalicelib.communes.models import CommuneItem
from chalicelib.errors import Forbidden, NotFound
from chalicelib.i18n import translate
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.neighbourhoods.service import commune_and_neighbourhoods
from chalicelib.policy import Principal
from chalicelib.printing import latin, qr, wrapped
from chalicelib.store.table import read_items

Size = Literal["a4", "a5", "a6"]
# Page (width, height) in mm, margin, QR side, and the type sizes of the title, place and text.
LAYOUT: dict[Size, tuple[float, float, float, float, float, float, float]] = {
    "a4": (210, 297, 18, 70, 26, 20, 10.5),
    "a5": (148, 210, 12, 55, 18, 15, 9.5),
    "a6": (105, 148, 8, 40, 13, 11, 7.5),
}
SMALLEST_TEXT = 6.5  # points: below it, a flyer is not read


@dataclass(frozen=True)
class Poster:
    commune: str  # "Clervaux"
    place: str  # the neighbourhood's name, or the commune's for a commune-wide poster
    join_url: str  # what the QR code opens
    languages: tuple[str, ...]  # one block of text each, in this order
    invited_by: str | None = None  # a resident's invitation names them


def join_url(site: str, *, lau2: str, neighbourhood_id: str | None = None) -> str:
    """The join page, opened on the neighbourhood (its id names its commune) or on the commune."""
    query = f"neighbourhood={neighbourhood_id}" if neighbourhood_id else f"commune={lau2}"
    return f"{site.rstrip('/')}/join?{query}"


def render(poster: Poster, size: Size) -> bytes:
    """The A4 poster holds every language on one page when it can; a flyer (A5, A6) has one page per
    language, to print the ones a letterbox needs. The text shrinks step by step to fit, never below
    SMALLEST_TEXT: past it, one page per language on the poster too."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format=LAYOUT[size][:2])
    pdf.set_auto_page_break(False)
    pdf.set_title(latin(f"Noper - {poster.place}"))
    pdf.set_creator("Noper")
    groups = [poster.languages] if size == "a4" else [(language,) for language in poster.languages]
    while groups:
        languages = groups.pop(0)
        if not _fits(pdf, poster, size, languages):
            if len(languages) == 1:
                raise OverflowError(f"the {size} page cannot hold the text in {languages[0]}")
            groups = [(language,) for language in languages] + groups
    return bytes(pdf.output())


def _fits(pdf, poster: Poster, size: Size, languages: tuple[str, ...]) -> bool:
    """Adds a page of these languages at the largest text size that fits; False (and no page) if none does.
    Each size is tried on a scratch document first."""
    from fpdf import FPDF

    text_pt, height, margin = LAYOUT[size][6], LAYOUT[size][1], LAYOUT[size][2]
    scale = 1.0
    while text_pt * scale >= SMALLEST_TEXT:
        scratch = FPDF(orientation="P", unit="mm", format=LAYOUT[size][:2])
        scratch.set_auto_page_break(False)
        _page(scratch, poster, size, languages, scale)
        if scratch.get_y() <= height - margin:
            _page(pdf, poster, size, languages, scale)
            return True
        scale -= 0.05
    return False


def _page(pdf, poster: Poster, size: Size, languages: tuple[str, ...], scale: float) -> None:
    """One page: the title in the first language, the place, the QR code and its address, then the text in
    each language (under its own title after the first), at `scale` of the size's text."""
    width, height, margin, qr_side, title_pt, place_pt, text_pt = LAYOUT[size]
    text_pt *= scale
    pdf.set_margins(margin, margin, margin)
    pdf.add_page()
    inner = width - 2 * margin
    first = languages[0]
    # The title in the first language, the place, and the QR code with its address under it.
    pdf.set_font("Helvetica", style="B", size=title_pt)
    pdf.set_y(margin)
    for line in wrapped(pdf, latin(translate(first, "poster.title")), inner, {}):
        pdf.cell(inner, title_pt * 0.45, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=place_pt)
    pdf.cell(inner, place_pt * 0.5, latin(poster.place), align="C", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    qr(pdf, poster.join_url, (width - qr_side) / 2, top, qr_side)
    pdf.set_y(top + qr_side + 1)
    pdf.set_font("Helvetica", style="B", size=max(text_pt, 5))
    pdf.cell(inner, text_pt * 0.5, latin(poster.join_url), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(text_pt * 0.3)
    # The text in every language, each under its own heading (the title in that language).
    line_height = text_pt * 0.42
    for language in languages:
        paragraphs = []
        if poster.invited_by:
            paragraphs.append(translate(language, "poster.invited", name=poster.invited_by))
        paragraphs += [translate(language, "poster.intro", commune=poster.commune),
                       translate(language, "poster.join", url=poster.join_url.split("?")[0]),
                       translate(language, "poster.ways")]
        if language != first:
            pdf.set_font("Helvetica", style="B", size=text_pt)
            pdf.cell(inner, line_height, latin(translate(language, "poster.title")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=text_pt)
        for paragraph in paragraphs:
            for line in wrapped(pdf, latin(paragraph), inner, {}):
                pdf.cell(inner, line_height, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(line_height * 0.6)


# --- what the routes ask ---------------------------------------------------------------------------

class PosterQuery(Model):
    model_config = ConfigDict(extra="forbid")
    size: Size = Field(default="a4", description="a4: a poster, every language on one page when it fits; "
                                                 "a5, a6: a flyer, one page per language")
    neighbourhood_id: str | None = Field(default=None, max_length=80,
                                         description="a published neighbourhood of the commune; none: the whole commune")


class InvitationQuery(Model):
    model_config = ConfigDict(extra="forbid")
    size: Size = "a6"


class Invitation(Model):
    url: str = Field(description="the join page, opened on my neighbourhood's commune; it verifies nobody by itself")
    neighbourhood_name: str
    text: str = Field(description="a message to send with the link, in my first language")


def commune_poster(lau2: str, query: PosterQuery, site: str) -> tuple[bytes, str]:
    """The commune's poster or flyer, in the commune's languages, and its file name."""
    commune, published = commune_and_neighbourhoods(lau2)
    place, neighbourhood_id = commune.name, None
    if query.neighbourhood_id:
        found = [n for n in published.neighbourhoods if n.id == query.neighbourhood_id]
        if not found:
            raise NotFound("No such published neighbourhood in this commune.", {"neighbourhood_id": "not found"})
        place, neighbourhood_id = found[0].name, found[0].id
    poster = Poster(commune=commune.name, place=place, join_url=join_url(site, lau2=lau2, neighbourhood_id=neighbourhood_id),
                    languages=tuple(commune.languages or ("fr",)))
    name = f"noper-{query.size}-{neighbourhood_id or lau2}.pdf"
    return render(poster, query.size), name


def invitation(principal: Principal, site: str) -> Invitation:
    """A verified resident's invitation for a neighbour: the link to the join page of their neighbourhood."""
    user, neighbourhood, _ = _inviting(principal)
    url = join_url(site, lau2=neighbourhood.lau2, neighbourhood_id=neighbourhood.id)
    language = (user.languages or ["fr"])[0]
    name = user.shown_name()  # none chosen yet: the message names nobody
    text = " ".join(([translate(language, "poster.invited", name=name)] if name else [])
                    + [translate(language, "poster.join", url=url)])
    return Invitation(url=url, neighbourhood_name=neighbourhood.name, text=text)


def invitation_flyer(principal: Principal, query: InvitationQuery, site: str) -> tuple[bytes, str]:
    """The same invitation to print, in the resident's languages, naming them as their neighbours see them."""
    user, neighbourhood, commune = _inviting(principal, with_commune=True)
    poster = Poster(commune=commune.name, place=neighbourhood.name,
                    join_url=join_url(site, lau2=neighbourhood.lau2, neighbourhood_id=neighbourhood.id),
                    languages=tuple(dict.fromkeys(user.languages or commune.languages or ["fr"])),
                    invited_by=user.shown_name() or None)
    return render(poster, query.size), f"noper-invitation-{neighbourhood.id}.pdf"


def _inviting(principal: Principal, *, with_commune: bool = False):
    """The resident, their published neighbourhood and (when asked) its commune, in one BatchGetItem: the session
    names the neighbourhood, and its item's key is the commune's and its own id."""
    nbh_id = principal.neighbourhood_id
    lau2 = (nbh_id or "").split("-")[0]
    keys = [UserItem.key(principal.user_id or ""), *([NeighbourhoodItem.key(lau2, nbh_id)] if nbh_id else []),
            *([CommuneItem.key(lau2)] if nbh_id and with_commune else [])]
    found = read_items(keys)
    if keys[0] not in found:
        raise NotFound("No such account.", {"user_id": "not found"})
    user = UserItem.from_raw_data(found[keys[0]])
    if user.residence_status != "verified" or not user.neighbourhood_id or user.neighbourhood_id != nbh_id:
        raise Forbidden("Verified residents invite their neighbours: get your address verified first.",
                        {"residence": "not verified"})
    if keys[1] not in found:
        raise NotFound("Your neighbourhood is not published.", {"neighbourhood_id": "not found"})
    neighbourhood = NeighbourhoodItem.from_raw_data(found[keys[1]])
    commune = CommuneItem.from_raw_data(found[keys[2]]).public() if with_commune and keys[2] in found else None
    return user, _Place(id=neighbourhood.id, name=neighbourhood.name, lau2=lau2), commune


@dataclass(frozen=True)
class _Place:
    id: str
    name: str
    lau2: str
