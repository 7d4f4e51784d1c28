"""`./noper import-addresses`: the operator imports the register file; a second run changes nothing."""

import os
import subprocess

from ops import stack

SAMPLE = "tests/data/lu-addresses-sample.csv"


def run_noper(*args):
    return subprocess.run(["./noper", *args], cwd=stack.ROOT, env=os.environ, capture_output=True, text=True, timeout=120)


def test_import_twice_reports_then_says_nothing_changed(client):
    first = run_noper("import-addresses", SAMPLE)
    second = run_noper("import-addresses", SAMPLE)

    assert first.returncode == 0, first.stderr
    assert "addresses: 100 added, 0 updated, 0 unchanged, 0 retired" in first.stdout
    assert "importing [" in first.stderr and "100/100 rows" in first.stderr  # the progress bar (\r, read as \n here)
    assert second.returncode == 0, second.stderr
    assert "addresses: 0 added, 0 updated, 100 unchanged, 0 retired" in second.stdout
    assert "nothing changed" in second.stdout
    assert client.get("/api/v1/communes/0501").json_body["name"] == "Clervaux"


def test_one_commune_with_refused_rows_listed(tmp_path):
    quirks = "tests/data/lu-addresses-quirks.csv"

    result = run_noper("import-addresses", quirks, "--commune", "0501")

    assert result.returncode == 0, result.stderr
    assert "communes: 0501" in result.stdout
    assert "refused line 10: no coordinates" in result.stdout


def test_wrong_file_or_commune_code_fails_plainly(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,street\nA,B\n")

    assert "not the address register" in run_noper("import-addresses", str(wrong)).stderr
    assert "cannot read" in run_noper("import-addresses", str(tmp_path / "missing.csv")).stderr
    assert "not a LAU2" in run_noper("import-addresses", SAMPLE, "--commune", "Clervaux").stderr
