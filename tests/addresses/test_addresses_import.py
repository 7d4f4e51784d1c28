"""Importing editions of the register into the session's DynamoDB Local."""

import pytest

from chalicelib.addresses import importer
from chalicelib.addresses.register import InvalidRegister
from chalicelib.addresses.service import (
    assign_neighbourhoods, get_address, import_addresses, populated_cells, suggest_addresses,
)
from chalicelib.communes.service import get_commune
from chalicelib.errors import NotFound
from chalicelib.store.calls import count_dynamodb_calls
from tests.addresses.factories import quirks_bytes, register, sample_bytes, without_lines


def labels(lau2, q):
    return [a.label for a in suggest_addresses(lau2, q).addresses]


def test_first_import_of_the_real_sample_adds_every_address_and_its_communes():
    report = import_addresses(sample_bytes(), create_communes=True)

    assert (report.rows_total, report.added, report.updated, report.unchanged, report.retired) == (100, 100, 0, 0, 0)
    assert report.communes == ["0204", "0310", "0501", "0708", "1004", "1105"]
    assert sorted(report.communes_created) == report.communes
    assert get_commune("0501").name == "Clervaux"
    assert get_address("7973-62A").label == "Hauptstrooss 62A, 9755 Hupperdange"


def test_importing_the_same_file_twice_writes_nothing_the_second_time():
    import_addresses(sample_bytes(), create_communes=True)

    with count_dynamodb_calls() as calls:
        again = import_addresses(sample_bytes(), create_communes=True)

    assert (again.added, again.updated, again.retired, again.unchanged) == (0, 0, 0, 100)
    assert again.nothing_changed and "nothing changed" in again.lines()
    assert calls["BatchWriteItem"] == calls["PutItem"] == calls["UpdateItem"] == 0


def test_quirky_file_imports_usable_rows_and_reports_the_others():
    report = import_addresses(quirks_bytes(), create_communes=True)

    assert report.added == 8 and report.refused_count == 5
    assert [(r.line, r.reason) for r in report.refused][0] == (10, "no coordinates")
    assert get_address("7973-B900003").label == "Hauptstrooss, 9755 Hupperdange"  # no number
    assert get_address("7973-37AA").number == "37AA"


def test_new_edition_updates_adds_and_retires_without_duplicates():
    import_addresses(sample_bytes(), create_communes=True)
    moved = sample_bytes().replace(b"50.094893964700596;6.062940933927619", b"50.0950;6.0630")
    newer = without_lines(moved, "_7973_62B") + register(
        "Kaesfurterstrooss;22;Hupperdange;9755;7984;299999;50.0949;6.0633;0;0;new_7984_22;Clervaux;0501", bom=False
    ).split(b"\n", 1)[1]

    report = import_addresses(newer)

    assert (report.added, report.updated, report.retired, report.unchanged) == (1, 1, 1, 98)
    assert get_address("7973-62B").retired is True
    assert get_address("7984-20").lat == 50.095
    assert "Hauptstrooss 62B, 9755 Hupperdange" not in labels("0501", "hauptstrooss 62")
    assert "Hauptstrooss 62A, 9755 Hupperdange" in labels("0501", "hauptstrooss 62")
    assert [a.id for a in suggest_addresses("0501", "kaesfurter 22").addresses] == ["7984-22"]


def test_a_retired_address_that_comes_back_is_active_again():
    import_addresses(sample_bytes(), create_communes=True)
    import_addresses(without_lines(sample_bytes(), "_7973_62B"))

    report = import_addresses(sample_bytes())

    assert report.added == 1 and get_address("7973-62B").retired is False


def test_one_commune_only_leaves_the_others_alone():
    import_addresses(sample_bytes(), create_communes=True)

    report = import_addresses(without_lines(sample_bytes(), "Clervaux;0501"), only_lau2="0708")

    assert report.communes == ["0708"] and report.unchanged == 25
    assert get_address("7973-62A").retired is False  # Clervaux untouched


def test_a_file_without_the_communes_rows_retires_nothing():
    import_addresses(sample_bytes(), create_communes=True)

    with pytest.raises(InvalidRegister, match="no usable address of commune 0708"):
        import_addresses(without_lines(sample_bytes(), ";0708"), only_lau2="0708")
    assert get_address("4672-18").retired is False


def test_populated_cells_summarise_addresses_streets_and_localities():
    import_addresses(sample_bytes(), create_communes=True)

    cells = populated_cells("0501")

    assert sum(c.address_count for c in cells.values()) == 27
    cell = get_address("7973-62A").cell
    assert cells[cell].streets["Hauptstrooss"] >= 2 and set(cells[cell].localities) == {"Hupperdange"}


def test_assigned_neighbourhoods_show_on_addresses_and_suggestions():
    import_addresses(sample_bytes(), create_communes=True)
    cell = get_address("7973-62A").cell

    changed = assign_neighbourhoods("0501", {cell: ("n1", "Hupperdange-Duerf")})
    again = assign_neighbourhoods("0501", {cell: ("n1", "Hupperdange-Duerf")})

    assert changed == populated_cells("0501")[cell].address_count and again == 0
    suggestion = suggest_addresses("0501", "hauptstrooss 62a").addresses[0]
    assert suggestion.neighbourhood.model_dump() == {"id": "n1", "name": "Hupperdange-Duerf"}


def test_new_address_in_a_cell_with_a_neighbourhood_gets_it(monkeypatch):
    import_addresses(sample_bytes(), create_communes=True)
    cell = get_address("7973-62A").cell
    monkeypatch.setattr(importer, "_neighbourhoods_of_cells", lambda cells, lau2: {cell: ("n1", "Duerf")} if cell in cells else {})

    import_addresses(sample_bytes() + b"Hauptstrooss;62C;Hupperdange;9755;7973;299998;50.09402;6.05287;0;0;x;Clervaux;0501\n")

    assert get_address("7973-62C").neighbourhood.id == "n1"


def test_unknown_address_is_not_found():
    with pytest.raises(NotFound):
        get_address("1-1")
