"""Reading the register file: quirks of the real BD-Adresses, refused rows, a wrong header."""

import pytest

from chalicelib.addresses.register import InvalidRegister, fold, house_number, read_register
from tests.addresses.factories import HEADER, quirks_bytes, register, sample_bytes


def test_real_sample_reads_every_row_with_its_res9_cell():
    edition = read_register(sample_bytes())

    assert edition.rows_total == 100 and len(edition.addresses) == 100 and edition.refused == []
    hauptstrooss = next(a for a in edition.addresses if a.address_id == "7973-62A")
    assert (hauptstrooss.street, hauptstrooss.number, hauptstrooss.locality) == ("Hauptstrooss", "62A", "Hupperdange")
    assert hauptstrooss.cell.startswith("89") and len(hauptstrooss.cell) == 15  # h3 res 9


def test_bom_and_line_ends_do_not_matter():
    text = sample_bytes().decode("utf-8-sig")

    editions = [read_register(data) for data in (
        sample_bytes(), text.encode(), text.replace("\n", "\r\n").encode(), ("\ufeff" + text.replace("\n", "\r\n")).encode(),
    )]

    assert all(e.addresses == editions[0].addresses for e in editions)


def test_quirky_numbers_shared_points_and_building_ids_are_all_kept():
    edition = read_register(quirks_bytes())

    ids = {a.address_id for a in edition.addresses}
    assert {"7973-37AA", "7973-1BIS", "7973-B900003", "7981-3", "7981-3A", "9999001-3"} <= ids
    shared = [a for a in edition.addresses if a.building_id == "900010"]
    assert len(shared) == 2 and shared[0].cell == shared[1].cell
    eglise = next(a for a in edition.addresses if a.address_id == "9999001-3")
    assert eglise.street == "Rue de l'Église" and eglise.folded_street == "rue de l eglise"


def test_unusable_rows_are_listed_with_line_and_reason():
    edition = read_register(quirks_bytes())

    reasons = {row.line: row.reason for row in edition.refused}
    assert reasons == {
        10: "no coordinates",
        11: "bad house number 'abc'",
        12: "coordinates outside Luxembourg (48.8566, 2.3522)",
        13: "3 fields instead of 13",
        14: "same street and number as line 2",
    }
    assert edition.rows_total == len(edition.addresses) + len(edition.refused) == 13


def test_wrong_header_stops_the_file_with_a_clear_error():
    with pytest.raises(InvalidRegister, match="lacks .*lat_wgs84"):
        read_register("street,number,lat,lon\nA,1,49.6,6.1\n".encode())


def test_a_binary_file_is_not_a_register():
    with pytest.raises(InvalidRegister, match="not UTF-8"):
        read_register(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")


def test_only_one_communes_rows_when_asked():
    edition = read_register(sample_bytes(), only_lau2="0708")

    assert edition.rows_total == 25 and {a.lau2 for a in edition.addresses} == {"0708"}


@pytest.mark.parametrize("raw, number", [
    ("62A", "62A"), ("37aa", "37AA"), ("1 bis", "1BIS"), ("05", "5"), ("", ""), ("12-14", "12-14"),
    ("abc", None), ("0", None), ("A1", None), ("1/2", None),
])
def test_house_numbers_are_normalised(raw, number):
    assert house_number(raw) == number


def test_fold_ignores_case_accents_and_apostrophes():
    assert fold("Rue de l'Église") == "rue de l eglise"
    assert fold("  Schéissbierg ") == "schéissbierg".replace("é", "e")


def test_empty_file_with_header_only_has_no_rows():
    assert read_register(register()).rows_total == 0
    assert HEADER.startswith("rue;numero")
