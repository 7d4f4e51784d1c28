"""Register files for the address tests, built from the real sample and the quirks file."""

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "lu-addresses-sample.csv"
QUIRKS = DATA / "lu-addresses-quirks.csv"
HEADER = "rue;numero;localite;code_postal;id_caclr_rue;id_caclr_bat;lat_wgs84;lon_wgs84;coord_est_luref;coord_nord_luref;id_geoportail;commune;lau2"


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def quirks_bytes() -> bytes:
    return QUIRKS.read_bytes()


def register(*rows: str, bom: bool = True, newline: str = "\n") -> bytes:
    text = newline.join([HEADER, *rows]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def without_lines(data: bytes, *needles: str) -> bytes:
    """The file without the rows containing any of the needles (a later edition where they vanished)."""
    lines = data.decode("utf-8-sig").splitlines(keepends=True)
    return ("\ufeff" + "".join(line for line in lines if not any(n in line for n in needles))).encode("utf-8")
