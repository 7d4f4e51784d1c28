"""`./noper digest`: runs or previews the digest (in the test stage's environment)."""

from chalicelib.adapters import clock
from chalicelib.digest.weeks import week_of
from ops.cli import main
from tests.digest.test_digest import neighbourhood_week  # noqa: F401


def test_a_dry_run_prints_each_resident_and_sends_nothing(neighbourhood_week, outbox, capsys):
    before = set(outbox.glob("*.eml"))

    code = main(["digest", "--week", week_of(clock.now()), "--neighbourhood", "0501-n1", "--dry-run"])

    printed = capsys.readouterr().out
    assert code == 0
    assert "would send to carla@example.lu (lb): Är Woch zu Op der Hiel" in printed
    assert "would send to otto@example.lu" not in printed
    assert "nothing was sent" in printed
    assert set(outbox.glob("*.eml")) == before


def test_a_run_sends_once_and_says_so(neighbourhood_week, outbox, capsys):
    week = week_of(clock.now())

    assert main(["digest", "--week", "this"]) == 0  # the week so far, as the README suggests for the demo
    assert main(["digest", "--week", week]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"0501-n1 {week}: 6 residents, 6 sent, 0 already sent") for line in lines)
    assert any(line.startswith(f"0501-n1 {week}: 6 residents, 0 sent, 6 already sent") for line in lines)


def test_a_bad_week_or_neighbourhood_is_refused(neighbourhood_week, capsys):
    assert main(["digest", "--week", "2026-48"]) == 1
    assert main(["digest", "--week", "2026-W48", "--neighbourhood", "0501-nowhere"]) == 1
    errors = capsys.readouterr().err
    assert "A week is written 2026-W48" in errors and "No such published neighbourhood" in errors
