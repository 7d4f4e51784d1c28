"""`./noper neighbourhoods ...` on the sample register: the operator's path to published neighbourhoods."""

import json
import os
import subprocess

from ops import stack

SAMPLE = stack.ROOT / "tests" / "data" / "lu-addresses-sample.csv"  # copy of ../shared/data (tests/data/README.md)


def run_noper(*args):
    return subprocess.run(["./noper", *args], cwd=stack.ROOT, env=os.environ, capture_output=True, text=True, timeout=120)


def test_clervaux_is_proposed_published_and_drawn_from_the_sample_register(client):
    # Given the sample register
    imported = run_noper("import-addresses", str(SAMPLE))
    assert imported.returncode == 0, imported.stderr
    # When the operator proposes and publishes Clervaux's neighbourhoods
    proposed = run_noper("neighbourhoods", "propose", "--commune", "0501")
    published = run_noper("neighbourhoods", "publish", "--commune", "0501")
    # Then the summary is readable and the boundaries are served
    assert proposed.returncode == 0, proposed.stderr
    assert "validation: ok" in proposed.stdout and "27 addresses" in proposed.stdout
    assert published.returncode == 0, published.stderr
    assert "published draft version 1" in published.stdout
    listed = client.get("/api/v1/communes/0501/neighbourhoods").json_body["neighbourhoods"]
    assert listed and sum(n["address_count"] for n in listed) == 27
    boundaries = json.loads(client.get("/api/v1/communes/0501/neighbourhoods.geojson").body)
    assert len(boundaries["features"]) == len(listed)


def test_a_drawn_file_with_a_gap_is_imported_but_not_published(tmp_path):
    assert run_noper("import-addresses", str(SAMPLE), "--commune", "0501").returncode == 0
    drawing = tmp_path / "clervaux.geojson"
    drawing.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Hupperdange"},
        "geometry": {"type": "Polygon", "coordinates": [[[6.05, 50.09], [6.08, 50.09], [6.08, 50.10], [6.05, 50.10],
                                                          [6.05, 50.09]]]},
    }]}))

    imported = run_noper("neighbourhoods", "import", str(drawing), "--commune", "0501")
    published = run_noper("neighbourhoods", "publish", "--commune", "0501")

    assert imported.returncode == 0, imported.stderr
    assert "NOT VALID" in imported.stdout and "gaps:" in imported.stdout
    assert published.returncode == 1 and "does not validate" in published.stderr


def test_a_file_that_is_not_geojson_is_refused_plainly(tmp_path):
    drawing = tmp_path / "bad.geojson"
    drawing.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}]}')

    result = run_noper("neighbourhoods", "import", str(drawing), "--commune", "0501")

    assert result.returncode == 1 and "features.0" in result.stderr
