"""Imports that cannot wipe a commune: whole-file checks first, guarded retirement, resumable writes,
one-line errors (issue #17, findings 3 and 4)."""

import pytest
from botocore.exceptions import ClientError

from chalicelib.adapters.aws import client
from chalicelib.addresses import importer
from chalicelib.addresses.importer import ImportInterrupted, RetirementNeedsConsent
from chalicelib.addresses.register import MAX_FIELD_CHARS, MAX_LINE_CHARS, InvalidRegister, read_register
from chalicelib.addresses.service import get_address, import_addresses, populated_cells
from chalicelib.addresses.store import active_partition, cell_partition, query, retired_partition, street_partition
from chalicelib.store.calls import count_dynamodb_calls
from ops import cli
from tests.addresses.factories import quirks_bytes, register, sample_bytes, without_lines

CLERVAUX = "0501"  # 27 addresses in the sample
BAD_ROW = "Heigaart;abc;Hupperdange;9755;7981;900031;50.0930;6.0589;72186.0;128770.0;x_7981_abc;Clervaux;0501\n"


def active_ids(lau2=CLERVAUX):
    return {item["id"]["S"] for item in query(active_partition(lau2), index=True)}


def cut_mid_line(data: bytes, line: int, keep: int = 20) -> bytes:
    """The file cut `keep` bytes into `line` (1-based), as a truncated download leaves it."""
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:line - 1]) + lines[line - 1][:keep]


def register_state(lau2=CLERVAUX) -> dict:
    """Everything an import writes for a commune, timestamps left out."""
    def items(partition, index=False):
        return sorted(({k: v for k, v in item.items() if k != "retired_at"} for item in query(partition, index=index)),
                      key=lambda item: (item["pk"]["S"], item["sk"]["S"]))
    return {"active": items(active_partition(lau2), True), "retired": items(retired_partition(lau2), True),
            "streets": items(street_partition(lau2)), "cells": items(cell_partition(lau2))}


# --- the whole file is checked before anything is written ----------------------------------------

def test_a_file_cut_mid_line_retires_nothing_and_names_the_line():
    # Given Clervaux's 27 addresses are stored
    import_addresses(sample_bytes(), create_communes=True)

    # When a copy cut in the middle of line 10 is imported for Clervaux (the finding: 24 of 27 retired)
    with count_dynamodb_calls() as calls:
        with pytest.raises(InvalidRegister) as refused:
            import_addresses(cut_mid_line(sample_bytes(), 10), only_lau2=CLERVAUX)

    # Then nothing is written and the error is one line naming line 10
    assert str(refused.value).startswith("line 10: the file ends in the middle of this line")
    assert "\n" not in str(refused.value) and refused.value.line == 10
    assert calls["BatchWriteItem"] == calls["PutItem"] == calls["UpdateItem"] == 0
    assert len(active_ids()) == 27


def test_a_cut_quirks_file_is_refused_too():
    with pytest.raises(InvalidRegister, match="^line 7: the file ends in the middle"):
        read_register(cut_mid_line(quirks_bytes(), 7, keep=30))


def test_a_last_line_without_line_end_is_fine_when_whole():
    whole = sample_bytes().rstrip(b"\n")

    assert len(read_register(whole).addresses) == 100


def test_a_file_cut_at_a_line_end_needs_consent_to_retire():
    import_addresses(sample_bytes(), create_communes=True)
    cut = b"".join(sample_bytes().splitlines(keepends=True)[:10])

    with pytest.raises(RetirementNeedsConsent, match="^commune 0501: the file would retire 18 of its 27 addresses"):
        import_addresses(cut, only_lau2=CLERVAUX)

    assert len(active_ids()) == 27


@pytest.mark.parametrize("line, error", [
    # a 5 MB line: one huge field, or a huge line of small fields
    ("Rue " + "x" * 5_000_000 + ";1;L;1;2;3;50.0;6.0;0;0;g;C;0501", f"line 3: a field is longer than {MAX_FIELD_CHARS}"),
    (";".join(["ab"] * 1_700_000), f"line 3: the line is longer than {MAX_LINE_CHARS} characters"),
    ('"Rue open;1;L;1;2;3;50.0;6.0;0;0;g;C;0501', "line 3: a quoted field runs over several lines"),
])
def test_an_oversized_or_unclosed_line_stops_the_file_naming_the_line(line, error):
    data = register("Kaesfurterstrooss;20;Hupperdange;9755;7984;1;50.0948;6.0629;0;0;g;Clervaux;0501", line,
                    "Kaesfurterstrooss;22;Hupperdange;9755;7984;2;50.0948;6.0629;0;0;g;Clervaux;0501")

    with pytest.raises(InvalidRegister) as refused:
        read_register(data)

    assert str(refused.value).startswith(error) and "\n" not in str(refused.value)


def test_bad_bytes_and_a_wrong_header_name_their_line():
    with pytest.raises(InvalidRegister, match="^line 3: the file is not UTF-8 text"):
        read_register(register("a;b", "c\xff;d").replace("\xff".encode(), b"\xff"))
    with pytest.raises(InvalidRegister, match="^line 2: the file is not a text file"):
        read_register(register("a\x00b"))
    with pytest.raises(InvalidRegister, match="^line 1: the file is not the address register"):
        read_register(b"street;number\n")


# --- refused lines and large retirements ------------------------------------------------------------

def test_a_file_with_refused_lines_retires_nothing_by_default():
    # Given the sample is stored, and a new edition lacks 62B but has one unusable line
    import_addresses(sample_bytes(), create_communes=True)
    edition = without_lines(sample_bytes(), "_7973_62B") + BAD_ROW.encode()

    report = import_addresses(edition)

    # Then 62B is kept, counted, and still in the cell summaries
    assert (report.retired, report.kept, report.refused_count) == (0, 1, 1)
    assert any(line.startswith("kept: 1 addresses") for line in report.lines())
    assert get_address("7973-62B").retired is False
    assert sum(cell.address_count for cell in populated_cells(CLERVAUX).values()) == 27


def test_a_file_with_refused_lines_retires_when_the_operator_says_so():
    import_addresses(sample_bytes(), create_communes=True)
    edition = without_lines(sample_bytes(), "_7973_62B") + BAD_ROW.encode()

    report = import_addresses(edition, retire_despite_refused=True)

    assert (report.retired, report.kept) == (1, 0)
    assert get_address("7973-62B").retired is True
    assert sum(cell.address_count for cell in populated_cells(CLERVAUX).values()) == 26


def test_retiring_more_than_a_tenth_of_a_commune_is_refused_without_consent():
    # Given the sample is stored, and an edition lacks 3 of Clervaux's 27 addresses (11 %)
    import_addresses(sample_bytes(), create_communes=True)
    edition = without_lines(sample_bytes(), "_7973_62B", "_7984_20", "_7984_24")

    # When it is imported without consent, nothing is written
    with count_dynamodb_calls() as calls:
        with pytest.raises(RetirementNeedsConsent) as held:
            import_addresses(edition)
    assert (held.value.lau2, held.value.would_retire, held.value.active) == (CLERVAUX, 3, 27)
    assert calls["BatchWriteItem"] == 0 and len(active_ids()) == 27

    # With consent, the three are retired
    report = import_addresses(edition, allow_retire=True)
    assert report.retired == 3 and len(active_ids()) == 24


def test_retiring_up_to_a_tenth_needs_no_consent():
    import_addresses(sample_bytes(), create_communes=True)

    report = import_addresses(without_lines(sample_bytes(), "_7973_62B", "_7984_20"))  # 2 of 27

    assert report.retired == 2


# --- a failure midway: resumable by running the same import again ---------------------------------------

def newer_edition() -> bytes:
    """Every Clervaux address changed (the commune's name, two streets renamed), one gone, one new: every kind
    of write, in 2 batches (37 items)."""
    renamed = sample_bytes().replace(b"Kaesfurterstrooss;", b"Kaesfurter Strooss;").replace(
        b"Hauptstrooss;", b"Haaptstrooss;").replace(b";Clervaux;0501", b";Clerf;0501")
    return without_lines(renamed, "_7973_62B") + \
        b"Haaptstrooss;99;Hupperdange;9755;7973;299990;50.0941;6.0529;0;0;n_7973_99;Clervaux;0501\n"


class FailingBatchWrite:
    """A botocore hook on the importer's real client: the Nth BatchWriteItem call is refused, the others go to DynamoDB Local."""

    def __init__(self, nth: int) -> None:
        self.nth, self.calls = nth, 0

    def __call__(self, **kwargs):
        self.calls += 1
        if self.calls == self.nth:
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "injected"}}, "BatchWriteItem")

    def __enter__(self):
        client("dynamodb", patient=True).meta.events.register("before-call.dynamodb.BatchWriteItem", self)
        return self

    def __exit__(self, *exc):
        client("dynamodb", patient=True).meta.events.unregister("before-call.dynamodb.BatchWriteItem", self)


@pytest.mark.parametrize("nth", [1, 2])
def test_a_failure_at_row_n_is_completed_by_running_the_same_import_again(nth):
    # Given what an uninterrupted import of the newer edition leaves
    import_addresses(sample_bytes(), create_communes=True)
    import_addresses(newer_edition())
    expected = register_state()
    import_addresses(sample_bytes())  # back to the older edition
    assert register_state() != expected

    # When the newer edition's Nth batch (25 items) is refused by the database
    with FailingBatchWrite(nth) as failing:
        with pytest.raises(ImportInterrupted) as stopped:
            import_addresses(newer_edition())
    assert failing.calls == nth

    # Then the error is one line naming where it stopped, every address is whole (old or new)…
    message = str(stopped.value)
    assert "\n" not in message and message.startswith("the import stopped ")
    assert "ValidationException: injected" in message and "run the same import again" in message
    fingerprints = {edition: {a.address_id: a.fingerprint for a in read_register(edition, CLERVAUX).addresses}
                    for edition in (sample_bytes(), newer_edition())}
    for item in register_state()["active"]:
        assert item["fp"]["S"] in (fingerprints[sample_bytes()].get(item["id"]["S"]),
                                   fingerprints[newer_edition()].get(item["id"]["S"]))

    # …and running the same import again ends exactly where the uninterrupted one did
    again = import_addresses(newer_edition())
    assert again.added + again.updated + again.retired > 0
    assert register_state() == expected
    assert import_addresses(newer_edition()).nothing_changed


def test_a_failure_names_the_line_it_stopped_at():
    import_addresses(sample_bytes(), create_communes=True)

    with FailingBatchWrite(1), pytest.raises(ImportInterrupted, match=r"^the import stopped at line \d+ \(commune 0501\)"):
        import_addresses(newer_edition(), only_lau2=CLERVAUX)


# --- the command line: one line on stderr, an exit code, no traceback ------------------------------------

def run_cli(capsys, *args):
    code = cli.main(["import-addresses", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_exit_codes_and_one_line_errors(capsys, tmp_path):
    sample = tmp_path / "sample.csv"
    sample.write_bytes(sample_bytes())
    assert run_cli(capsys, sample)[0] == 0

    cut = tmp_path / "cut.csv"
    cut.write_bytes(cut_mid_line(sample_bytes(), 10))
    code, out, err = run_cli(capsys, cut, "--commune", CLERVAUX)
    assert code == cli.FILE_REFUSED and out == ""
    assert err.splitlines() == [f"noper: {cut}: line 10: the file ends in the middle of this line "
                                "(3 fields instead of 13): it looks cut off; nothing was imported."]

    huge = tmp_path / "huge.csv"
    huge.write_bytes(register("Rue " + "x" * 5_000_000 + ";1;L;1;2;3;50.0;6.0;0;0;g;C;0501"))
    code, _, err = run_cli(capsys, huge)
    assert code == cli.FILE_REFUSED and len(err.splitlines()) == 1 and "line 2: a field is longer" in err

    shorter = tmp_path / "shorter.csv"
    shorter.write_bytes(without_lines(sample_bytes(), "_7973_62B", "_7984_20", "_7984_24"))
    code, _, err = run_cli(capsys, shorter)
    assert code == cli.NEEDS_ALLOW_RETIRE and len(err.splitlines()) == 1
    assert "would retire 3 of its 27 addresses" in err and "--allow-retire" in err
    assert len(active_ids()) == 27
    code, out, _ = run_cli(capsys, shorter, "--allow-retire")
    assert code == 0 and "3 retired" in out


def test_cli_after_a_failure_exits_4_and_running_it_again_completes(capsys, tmp_path, monkeypatch):
    import_addresses(sample_bytes(), create_communes=True)
    newer = tmp_path / "newer.csv"
    newer.write_bytes(newer_edition())

    with FailingBatchWrite(1):
        code, _, err = run_cli(capsys, newer)
    lines = [line for line in err.replace("\r", "\n").splitlines() if line and not line.startswith("importing [")]
    assert code == cli.INTERRUPTED and len(lines) == 1 and lines[0].startswith("noper: the import stopped at line")
    assert "Traceback" not in err

    code, out, _ = run_cli(capsys, newer)
    assert code == 0 and import_addresses(newer_edition()).nothing_changed


def test_cli_retires_despite_refused_lines_only_when_told(capsys, tmp_path):
    import_addresses(sample_bytes(), create_communes=True)
    edition = tmp_path / "edition.csv"
    edition.write_bytes(without_lines(sample_bytes(), "_7973_62B") + BAD_ROW.encode())

    code, out, _ = run_cli(capsys, edition)
    assert code == 0 and "kept: 1 addresses" in out and "--retire-despite-refused" in out
    code, out, _ = run_cli(capsys, edition, "--retire-despite-refused")
    assert code == 0 and "1 retired" in out


def test_importer_share_is_a_named_constant():
    assert importer.RETIRE_SHARE == 0.10
