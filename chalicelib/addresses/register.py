"""Reading Luxembourg's georeferenced address register (BD-Adresses, CC0).

The file is `;`-separated UTF-8, with or without a BOM, CRLF or LF line ends. The whole file is
read and checked before the importer writes anything. A row that cannot be used is refused with its
line number and the reason; it never stops the other rows. What makes no row trustworthy stops the
whole file with `InvalidRegister`, one sentence naming the line: a wrong header, bytes that are not
UTF-8 text, a field or line far longer than the register's (an unclosed quote, a file that is not the
register), a quoted field running over lines, a last line cut off mid-row (a truncated download).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterator

import h3

COLUMNS = (
    "rue", "numero", "localite", "code_postal", "id_caclr_rue", "id_caclr_bat", "lat_wgs84", "lon_wgs84",
    "coord_est_luref", "coord_nord_luref", "id_geoportail", "commune", "lau2",
)
NEEDED = ("rue", "numero", "localite", "code_postal", "id_caclr_rue", "id_caclr_bat", "lat_wgs84", "lon_wgs84",
          "commune", "lau2")
CELL_RESOLUTION = 9
# Luxembourg's bounding box with a small margin (WGS84).
LAT_RANGE = (49.44, 50.19)
LON_RANGE = (5.73, 6.54)
# House numbers as the register writes them: 62A, 37AA, 1BIS, 12-14; empty for unnumbered buildings.
HOUSE_NUMBER = re.compile(r"^[1-9]\d{0,4}(?:[A-Z]{1,4})?(?:-[1-9]\d{0,4}[A-Z]{0,4})?$")
# The register's longest field is a street name of under 100 characters, its lines under 400.
MAX_FIELD_CHARS = 1000
MAX_LINE_CHARS = 4000
# Set explicitly (process-wide, as the csv module keeps it) rather than trusting the 131,072 default.
csv.field_size_limit(MAX_FIELD_CHARS)


class InvalidRegister(ValueError):
    """The file as a whole is not a usable address register; the message is one sentence naming the line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass(frozen=True)
class RegisterAddress:
    """One usable row of the register."""

    line: int
    address_id: str
    street: str
    street_id: str
    number: str  # normalised: "62A", "1BIS"; "" for an unnumbered building
    locality: str
    postcode: str
    building_id: str
    lat: float
    lon: float
    geoportail_id: str
    commune: str
    lau2: str
    cell: str

    @property
    def folded_street(self) -> str:
        return fold(self.street)

    @property
    def fingerprint(self) -> str:
        """Changes when anything the register says about this address changes."""
        text = "|".join((self.street, self.number, self.locality, self.postcode, self.building_id,
                         f"{self.lat:.7f}", f"{self.lon:.7f}", self.geoportail_id, self.commune, self.lau2))
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class RefusedRow:
    line: int
    reason: str


@dataclass
class RegisterEdition:
    addresses: list[RegisterAddress] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    rows_total: int = 0


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Rue de l'Église" -> "rue de l eglise"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def house_number(raw: str) -> str | None:
    """The register's number normalised ("1 bis" -> "1BIS", "05" -> "5"); None when it is not a number."""
    compact = re.sub(r"\s+", "", raw).upper()
    if not compact:
        return ""
    number = compact.lstrip("0")
    return number if HOUSE_NUMBER.match(number) else None


def address_id(street_id: str, number: str, building_id: str) -> str:
    """Stable across editions: the register's street id and the house number ("7973-62A").

    An unnumbered building is told apart by the register's building id ("7973-B210169").
    """
    return f"{street_id}-{number}" if number else f"{street_id}-B{building_id}"


def read_register(data: bytes, only_lau2: str | None = None) -> RegisterEdition:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)  # positions after the BOM
        line = data.count(b"\n", 0, start) + 1
        raise InvalidRegister(f"the file is not UTF-8 text (byte {start}).", line) from None
    if "\x00" in text:
        raise InvalidRegister("the file is not a text file (it holds NUL bytes).", text.count("\n", 0, text.index("\x00")) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error:
        header = []
    missing = [name for name in NEEDED if name not in header]
    if missing:
        raise InvalidRegister(
            f"the file is not the address register (BD-Adresses): its first line lacks {', '.join(missing)}. "
            f"Expected: {';'.join(COLUMNS)}.", 1,
        )
    where = {name: header.index(name) for name in NEEDED}
    geoportail = header.index("id_geoportail") if "id_geoportail" in header else None
    edition = RegisterEdition()
    first_line_of: dict[str, int] = {}
    line, values = 1, []
    rows = _rows(reader)
    for line, values in rows:
        if not values or values == [""]:
            continue
        edition.rows_total += 1
        if len(values) < len(header):
            edition.refused.append(RefusedRow(line, f"{len(values)} fields instead of {len(header)}"))
            continue
        row = {name: values[index].strip() for name, index in where.items()}
        if only_lau2 and row["lau2"] != only_lau2:
            edition.rows_total -= 1
            continue
        reason, address = _address(line, row, values[geoportail].strip() if geoportail is not None else "")
        if address and address.address_id in first_line_of:
            reason, address = f"same street and number as line {first_line_of[address.address_id]}", None
        if address is None:
            edition.refused.append(RefusedRow(line, reason))
            continue
        first_line_of[address.address_id] = line
        edition.addresses.append(address)
    if values and not text.endswith(("\n", "\r")):
        _refuse_cut_off(line, values, header, where, geoportail)
    return edition


def _rows(reader) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each row after the header; what no register holds stops the file."""
    previous = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise InvalidRegister(f"a field is longer than {MAX_FIELD_CHARS} characters (an unclosed quote, or "
                                      "not the address register?).", reader.line_num) from None
            raise InvalidRegister(f"the line is not readable as CSV ({error}).", reader.line_num) from None
        line = reader.line_num
        if line - previous > 1:
            raise InvalidRegister("a quoted field runs over several lines (an unclosed quote?).", previous + 1)
        if sum(map(len, values)) + len(values) > MAX_LINE_CHARS:
            raise InvalidRegister(f"the line is longer than {MAX_LINE_CHARS} characters: not a register line.", line)
        previous = line
        yield line, values


def _refuse_cut_off(line: int, values: list[str], header: list[str], where: dict[str, int],
                    geoportail: int | None) -> None:
    """A last line without a line end that is not a whole usable row: the file was cut off (truncated copy)."""
    if len(values) < len(header):
        reason = f"{len(values)} fields instead of {len(header)}"
    else:
        row = {name: values[index].strip() for name, index in where.items()}
        reason, address = _address(line, row, values[geoportail].strip() if geoportail is not None else "")
        if address is not None:
            return
    raise InvalidRegister(f"the file ends in the middle of this line ({reason}): it looks cut off; "
                          "nothing was imported.", line)


def _address(line: int, row: dict[str, str], geoportail_id: str) -> tuple[str, RegisterAddress | None]:
    if not row["rue"]:
        return "no street name", None
    if not row["id_caclr_rue"].isdigit():
        return f"bad street id {row['id_caclr_rue']!r}", None
    if not re.fullmatch(r"\d{4}", row["lau2"]):
        return f"bad commune code (lau2) {row['lau2']!r}", None
    number = house_number(row["numero"])
    if number is None:
        return f"bad house number {row['numero']!r}", None
    if not number and not row["id_caclr_bat"]:
        return "no house number and no building id", None
    if not row["lat_wgs84"] or not row["lon_wgs84"]:
        return "no coordinates", None
    try:
        lat, lon = float(row["lat_wgs84"]), float(row["lon_wgs84"])
    except ValueError:
        return f"bad coordinates {row['lat_wgs84']!r}, {row['lon_wgs84']!r}", None
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        return f"coordinates outside Luxembourg ({lat}, {lon})", None
    return "", RegisterAddress(
        line=line,
        address_id=address_id(row["id_caclr_rue"], number, row["id_caclr_bat"]),
        street=" ".join(row["rue"].split()),
        street_id=row["id_caclr_rue"],
        number=number,
        locality=row["localite"],
        postcode=row["code_postal"],
        building_id=row["id_caclr_bat"],
        lat=lat,
        lon=lon,
        geoportail_id=geoportail_id,
        commune=row["commune"],
        lau2=row["lau2"],
        cell=h3.latlng_to_cell(lat, lon, CELL_RESOLUTION),
    )
