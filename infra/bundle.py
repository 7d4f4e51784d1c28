"""The Lambda package as it should run: bytecode inside, only the data Noper uses. `python -m infra.bundle ZIP`.

`chalice package` zips sources only. Lambda's code directory is read-only, so Python cannot keep the
bytecode it compiles: every cold start compiled each imported module again (botocore, pydantic, PynamoDB
and Noper's own ~120 modules). `make package` runs this after `chalice package` to rewrite the zip:

- every `.py` gets its `__pycache__/<name>.cpython-3XX.pyc`, compiled by this interpreter with
  unchecked-hash invalidation (Lambda's file times are not the build's). Only when this interpreter's
  version is the functions' runtime: other bytecode would be ignored, so the step refuses instead.
- botocore's API models are kept for the services the code calls (`SERVICES`; tests/unit/test_bundle.py
  fails when the code names a client not in it); the rest of `botocore/data` is ~450 services.
- Babel's locale data is kept for Noper's languages (and `root`, their common parent), not 1,000 locales.

Prints the zip's size and file count before and after. docs/deployment.md has the figures.
"""

from __future__ import annotations

import importlib.util
import json
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path

from chalicelib.languages import LANGUAGES

# The AWS services the functions call through botocore (chalicelib/adapters/aws.py `client(...)`).
SERVICES = frozenset({"dynamodb", "s3", "sesv2", "sqs"})
LOCALES = frozenset({"root", *LANGUAGES})


def keep(name: str) -> bool:
    """Whether a file of chalice's zip goes into the lean one."""
    parts = name.split("/")
    if "__pycache__" in parts or name.endswith(".pyc"):
        return False  # stale or foreign bytecode: compiled again below
    if name.startswith("botocore/data/") and len(parts) > 3:
        return parts[2] in SERVICES
    if name.startswith("babel/locale-data/") and name.endswith(".dat"):
        return parts[-1][:-4].split("_")[0] in LOCALES
    return True


def runtime(template: Path) -> str:
    """The functions' Python runtime (`python3.11`), one for all of them."""
    resources = json.loads(template.read_text())["Resources"].values()
    found = {r["Properties"]["Runtime"] for r in resources
             if r["Type"] == "AWS::Serverless::Function" and "Runtime" in r.get("Properties", {})}
    if len(found) != 1:
        raise SystemExit(f"infra.bundle: expected one Python runtime, found {sorted(found)}")
    return found.pop()


def bytecode_path(name: str) -> str:
    """Where Python looks for the bytecode of module file `name` (PEP 3147)."""
    return importlib.util.cache_from_source(name)


def rebuild(package: Path, *, compile_for: str) -> tuple[int, int]:
    """Rewrite `package` in place; returns (files, bytes) of the new zip."""
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if compile_for != here:
        raise SystemExit(f"infra.bundle: the functions run {compile_for}, this is {here}; "
                         f"build the package with {compile_for} so that its bytecode is used")
    lean = package.with_suffix(".lean.zip")
    with zipfile.ZipFile(package) as source, \
            zipfile.ZipFile(lean, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target, \
            tempfile.TemporaryDirectory() as scratch:
        for info in source.infolist():
            if not keep(info.filename):
                continue
            data = source.read(info)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
            if info.filename.endswith(".py"):
                py = Path(scratch, "module.py")
                py.write_bytes(data)
                pyc = py_compile.compile(str(py), cfile=str(Path(scratch, "module.pyc")), dfile=info.filename,
                                         doraise=False, optimize=0,
                                         invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                if pyc:  # a file Python cannot compile (a template, a test fixture) stays source only
                    pyc_info = zipfile.ZipInfo(bytecode_path(info.filename), date_time=info.date_time)
                    pyc_info.external_attr = info.external_attr
                    target.writestr(pyc_info, Path(pyc).read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
        files = len(target.infolist())
    lean.replace(package)
    return files, package.stat().st_size


def main(argv: list[str]) -> None:
    package = Path(argv[0] if argv else "build/package/deployment.zip")
    template = package.parent / "sam.json"
    before = (len(zipfile.ZipFile(package).infolist()), package.stat().st_size)
    files, size = rebuild(package, compile_for=runtime(template))
    print(f"noper: lean package {before[1] / 1e6:.1f} MB, {before[0]} files -> {size / 1e6:.1f} MB, {files} files "
          f"(bytecode for {runtime(template)}; botocore models of {', '.join(sorted(SERVICES))}; "
          f"locales {', '.join(sorted(LOCALES))})")


if __name__ == "__main__":
    main(sys.argv[1:])
