"""The API against its own OpenAPI document: schemathesis fuzzes every operation through the one origin, as an
anonymous visitor and as a verified resident (session cookie + CSRF header).

It fails on any 5xx, on an answer that breaks its documented schema (status, media type, body), and on a request
valid by the document that is refused with 400 (the document hid a limit). Bounded: a few examples per
operation and a time budget per run (FUZZ_EXAMPLES, FUZZ_SECONDS). Runs last among the stack tests
(conftest.py): it spends the rate limits of 127.0.0.1, which the browser tests need for signing in.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ops import stack

pytestmark = pytest.mark.stack

FUZZ_EXAMPLES = int(os.environ.get("NOPER_FUZZ_EXAMPLES", "8"))
FUZZ_SECONDS = int(os.environ.get("NOPER_FUZZ_SECONDS", "90"))
# Operations the resident's run leaves out: they end the session or the account the run signs in with, or
# change the residence it is verified at (tests/api covers them).
RESIDENT_EXCLUDED = (
    ("DELETE", "/api/v1/auth/session"),
    ("DELETE", "/api/v1/me/sessions"),
    ("DELETE", "/api/v1/me"),
    ("PUT", "/api/v1/me/residence"),
)
CONFIG = Path(__file__).with_name("schemathesis.toml")


def _call(url: str, method: str = "GET", data: dict | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, method=method, headers={"Content-Type": "application/json", **(headers or {})},
                                     data=json.dumps(data).encode() if data is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _code_from_outbox(outbox: Path, email: str, after: float) -> str:
    recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", email)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for mail in sorted(outbox.glob(f"*-{recipient}.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            if mail.stat().st_mtime >= after - 1 and (found := re.search(rb"\b(\d{6})\b", mail.read_bytes())):
                return found.group(1).decode()
        time.sleep(0.2)
    raise AssertionError(f"no sign-in email to {email} in {outbox}")


def _signed_in(site_url: str, outbox: Path, email: str) -> dict[str, str]:
    """The headers of a signed-in browser: the session cookies and the CSRF header."""
    asked = time.time()
    status, _, body = _call(f"{site_url}/api/v1/auth/code", "POST", {"email": email, "language": "en"})
    assert status == 202, body
    status, headers, body = _call(f"{site_url}/api/v1/auth/session", "POST",
                                  {"email": email, "code": _code_from_outbox(outbox, email, asked)})
    assert status == 200, body
    cookies = dict(cookie.split(";")[0].split("=", 1) for cookie in headers.get_all("Set-Cookie"))
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "X-CSRF-Token": cookies["noper_csrf"]}


@pytest.fixture(scope="module")
def resident_headers(site_url, stack_env):
    """A resident of Clervaux verified by a verifier of the commune (each signed in through the API): their
    headers and their neighbourhood's id."""
    outbox = Path(stack_env["NOPER_OUTBOX_DIR"])
    done = subprocess.run(["./noper", "staff", "add", "fuzz-verifier@example.lu", "--commune", "0501", "--role", "verifier"],
                          cwd=stack.ROOT, env={**os.environ, **stack_env}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    verifier = _signed_in(site_url, outbox, "fuzz-verifier@example.lu")
    resident = _signed_in(site_url, outbox, "fuzz-resident@example.lu")
    status, _, found = _call(f"{site_url}/api/v1/communes/0501/addresses?q=Kaesfurterstrooss", headers=resident)
    assert status == 200, found
    address = next(a for a in found["addresses"] if a.get("neighbourhood"))
    status, _, claim = _call(f"{site_url}/api/v1/me/residence", "PUT", {"address_id": address["id"]}, resident)
    assert status == 200, claim
    status, _, decided = _call(f"{site_url}/api/v1/communes/0501/verifications/{claim['id']}", "POST",
                               {"decision": "approve"}, verifier)
    assert status == 200, decided
    status, _, me = _call(f"{site_url}/api/v1/me", headers=resident)
    assert me["residence"]["status"] == "verified", me
    return resident, me["residence"]["neighbourhood"]["id"]


def _schemathesis(site_url: str, tmp_path: Path, headers: dict[str, str], excluded=(), neighbourhood: str = "") -> None:
    # One worker: with two, Hypothesis's lambda descriptions parse source in threads, which Python 3.11's parser
    # sometimes refuses ("AST constructor recursion depth mismatch"), an error of the tool, not of the API.
    command = [
        str(stack.VENV_BIN / "schemathesis"), "--config-file", str(CONFIG), "run", f"{site_url}/api/v1/openapi.json",
        "--url", site_url, "--max-examples", str(FUZZ_EXAMPLES), "--max-time", str(FUZZ_SECONDS),
        "--phases", "examples,coverage,fuzzing", "--workers", "1", "--seed", "17", "--generation-database", "none",
        "--suppress-health-check", "all", "--request-timeout", "30", "--no-color",
        "--report", "junit", "--report-dir", str(tmp_path),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    if excluded:
        command += ["--exclude-operation-id-regex", "|".join(f"^{op}$" for op in _operation_ids(site_url, excluded))]
    env = {**os.environ, "NOPER_FUZZ_NEIGHBOURHOOD": neighbourhood or "no-such-neighbourhood",
           "SCHEMATHESIS_HOOKS": "tests.stack.fuzz_hooks", "PYTHONPATH": str(stack.ROOT)}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,  # its .schemathesis/ there
                          timeout=FUZZ_SECONDS * 3 + 120)
    print(done.stdout)  # the whole report (pytest shows it with the failure)
    assert done.returncode == 0, "schemathesis found failures: see the report above\n" + done.stderr[-4000:]


def _operation_ids(site_url: str, operations) -> list[str]:
    _, _, document = _call(f"{site_url}/api/v1/openapi.json")
    return [document["paths"][path][method.lower()]["operationId"] for method, path in operations]


def test_the_api_keeps_its_document_for_a_verified_resident(site_url, tmp_path, resident_headers):
    headers, neighbourhood = resident_headers
    _schemathesis(site_url, tmp_path, headers, RESIDENT_EXCLUDED, neighbourhood)


def test_the_api_keeps_its_document_for_an_anonymous_visitor(site_url, tmp_path):
    _schemathesis(site_url, tmp_path, {})
