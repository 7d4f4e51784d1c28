"""Print the letter code for a pending resident, read through the API as commune staff would.

Used by join.test.mjs (NOPER_LETTER_CODE_CMD): `python tests/browser/letter_code.py EMAIL`.
It makes a verifier of commune 0501 (`./noper staff add`), signs them in with the emailed code
from NOPER_OUTBOX_DIR, prints the pending residents' letters (POST /communes/0501/letters,
a PDF) and reads the code off the page addressed to the resident's household.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from email import message_from_bytes, policy
from http.cookies import SimpleCookie
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
BASE = os.environ["NOPER_BASE_URL"].rstrip("/")
OUTBOX = Path(os.environ["NOPER_OUTBOX_DIR"])
STAFF = "letters-verifier@example.lu"
LAU2 = "0501"


def call(method, path, payload=None, headers=None):
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(f"{BASE}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read(), answer.headers


def sign_in(email: str) -> dict[str, str]:
    asked = time.time()
    call("POST", "/api/v1/auth/code", {"email": email, "language": "en"})
    code = None
    for _ in range(100):
        mails = [p for p in OUTBOX.glob(f"*{email}.eml") if p.stat().st_mtime >= asked - 1]
        if mails:
            text = message_from_bytes(max(mails, key=lambda p: p.stat().st_mtime).read_bytes(), policy=policy.default)
            code = re.search(r"^\s+(\d{6})\s*$", text.get_body(("plain",)).get_content(), re.M).group(1)
            break
        time.sleep(0.1)
    _, headers = call("POST", "/api/v1/auth/session", {"email": email, "code": code})
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie"):
        jar.load(value)
    return {"Cookie": f"noper_session={jar['noper_session'].value}; noper_csrf={jar['noper_csrf'].value}",
            "X-CSRF-Token": jar["noper_csrf"].value}


def main(resident: str) -> None:
    subprocess.run(["./noper", "staff", "add", STAFF, "--commune", LAU2, "--role", "verifier"], cwd=ROOT,
                   check=True, capture_output=True)
    staff = sign_in(STAFF)
    pending = json.loads(call("GET", f"/api/v1/communes/{LAU2}/verifications?status=pending", headers=staff)[0])
    (household,) = [r["address"]["label"] for r in pending["residents"] if r["email"] == resident]
    pdf, _ = call("POST", f"/api/v1/communes/{LAU2}/letters", {"pending": True},
                  headers={**staff, "Accept": "application/pdf"})
    street = household.split(",")[0]
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = page.extract_text()
        if street in text:
            code = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\b", text).group(0)
            print(f"letter for {household}: {code}", file=sys.stderr)
            print(code)
            return
    sys.exit(f"no letter for {household}")


if __name__ == "__main__":
    main(sys.argv[1])
