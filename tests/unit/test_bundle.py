"""The lean package step (infra/bundle.py): bytecode Python will use, and no data the code needs left out."""

import importlib.util
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra import bundle

ROOT = Path(__file__).resolve().parents[2]
HERE = f"python{sys.version_info.major}.{sys.version_info.minor}"


def test_every_aws_client_the_code_creates_keeps_its_botocore_model():
    named = set()
    for source in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]:
        named |= set(re.findall(r"""\bclient\(\s*["']([a-z0-9-]+)["']""", source.read_text()))
    assert named, "the scan found no client: the pattern is out of date"
    assert named <= bundle.SERVICES, f"add to infra/bundle.py SERVICES: {sorted(named - bundle.SERVICES)}"


@pytest.mark.parametrize(("name", "kept"), [
    ("botocore/data/endpoints.json", True),
    ("botocore/data/dynamodb/2012-08-10/service-2.json.gz", True),
    ("botocore/data/ec2/2016-11-15/service-2.json.gz", False),
    ("babel/locale-data/lb.dat", True),
    ("babel/locale-data/fr_LU.dat", True),
    ("babel/locale-data/root.dat", True),
    ("babel/locale-data/ja.dat", False),
    ("babel/global.dat", True),
    ("chalicelib/__pycache__/config.cpython-312.pyc", False),
    ("chalicelib/config.py", True),
])
def test_what_the_lean_package_keeps(name, kept):
    assert bundle.keep(name) is kept


def test_the_rebuilt_zip_carries_bytecode_python_loads_without_the_source_times(tmp_path):
    package = tmp_path / "deployment.zip"
    with zipfile.ZipFile(package, "w") as source:
        source.writestr("greeting/__init__.py", "WORDS = 'moien'\n")
        source.writestr("greeting/__pycache__/__init__.cpython-39.pyc", b"stale")
        source.writestr("babel/locale-data/ja.dat", b"x")
        source.writestr("templates/broken.py", "{% if %}\n")  # not Python: stays source only
    files, _ = bundle.rebuild(package, compile_for=HERE)
    with zipfile.ZipFile(package) as lean:
        names = set(lean.namelist())
        pyc = lean.read(importlib.util.cache_from_source("greeting/__init__.py"))
        lean.extractall(tmp_path / "unpacked")
    assert names == {"greeting/__init__.py", importlib.util.cache_from_source("greeting/__init__.py"),
                     "templates/broken.py"} and files == 3
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, unchecked: Lambda's file times do not matter
    # The interpreter loads the bytecode, not the source: a changed source goes unnoticed.
    (tmp_path / "unpacked/greeting/__init__.py").write_text("WORDS = 'changed'\n")
    out = subprocess.run([sys.executable, "-c", "import greeting; print(greeting.WORDS)"], cwd=tmp_path / "unpacked",
                         capture_output=True, text=True, check=True,
                         env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "moien"


def test_bytecode_for_another_runtime_is_refused(tmp_path):
    package = tmp_path / "deployment.zip"
    with zipfile.ZipFile(package, "w") as source:
        source.writestr("a.py", "")
    with pytest.raises(SystemExit, match="build the package with python2.7"):
        bundle.rebuild(package, compile_for="python2.7")
