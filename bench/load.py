"""Bench: 200 residents at once on the local stack, for two minutes (issue 17, Load).

    PYTHONPATH=. .venv/bin/python bench/load.py [--residents 200] [--seconds 120] [--think 5] [--ramp 30]

Starts its own stack as `make run` does, everything on loopback: DynamoDB Local (in memory), moto server
(S3, SES), the API as `chalice local --stage local` runs it and the local CloudFront (ops/origin.py) in
front of it, each in a process of its own. The API process counts every DynamoDB call the app makes, by
operation (chalicelib.store.calls.count_dynamodb_calls, open for the server's life).

Set-up, through the services as an operator would (`ops.demo.load_demo`: Demo-Gemeng's addresses, six
published neighbourhoods, the demo residents and their week): `--residents` more accounts, each at
its own address of one of Demo-Gemeng's neighbourhoods, claimed and verified by staff.

Then every resident, on a thread of its own, signs in once through the API as the web app does
(POST /auth/code, the code read from the stack's outbox, POST /auth/session), posts once, some lend an
item or start a conversation, and browses until the time is up: the feed with the unread badge, a post
and its comments, the lending library (items, one item, wanted), conversations and their messages, now
and then a comment or a message; a think time of `--think` seconds on average between screens. Each
resident connects from its own loopback address (127.0.0.2, 127.0.0.3, ...), as 200 homes would: the
per-address limits on sign-in stay as they are and are not side-stepped (the origin passes the socket's
address, as CloudFront does).

It prints requests/s, latency p50/p95/p99 (ms, measured by the client, sign-in included), errors
(any answer >= 400 or no answer) by route, and DynamoDB requests per API request. Bounded: every
resident stops at the deadline (a request in flight times out after 30 s), then the stack is stopped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import stack  # noqa: E402

TABLE = "noper-local"  # `chalice local --stage local` takes the table name from .chalice/config.json
ID = re.compile(r"/[0-9A-Z]{26}\b|/9901-[0-9a-z-]+")  # ids in paths, for the errors' routes


# --- the API, counting its DynamoDB calls (a process of its own) -----------------------------------

def serve_api(port: int, counts_file: Path) -> None:
    """What `chalice local --stage local` runs, with chalicelib.store.calls.count_dynamodb_calls open for
    the server's life: the calls by operation are written to `counts_file` every half second."""
    from chalice.cli import create_local_server
    from chalice.cli.factory import CLIFactory
    from chalice.local import ThreadedHTTPServer

    # socketserver's listen backlog of 5 refuses connections when 200 residents' requests arrive at once
    # (the origin opens one connection per request); API Gateway has no such queue.
    ThreadedHTTPServer.request_queue_size = 256
    server = create_local_server(CLIFactory(str(stack.ROOT)), "127.0.0.1", port, "local")
    from chalicelib.store.calls import count_dynamodb_calls

    with count_dynamodb_calls() as calls:
        def write() -> None:
            while True:
                time.sleep(0.5)
                scratch = counts_file.with_suffix(".tmp")
                scratch.write_text(json.dumps(dict(calls)))
                scratch.replace(counts_file)

        threading.Thread(target=write, daemon=True).start()
        server.serve_forever()


def dynamodb_calls(counts_file: Path) -> Counter:
    time.sleep(1.0)  # the API writes them every half second
    return Counter(json.loads(counts_file.read_text())) if counts_file.exists() else Counter()


# --- set-up ----------------------------------------------------------------------------------------

@dataclass
class Resident:
    number: int
    email: str
    user_id: str
    neighbourhood_id: str
    neighbour_id: str = ""  # the next bench resident of the same neighbourhood


def set_up_residents(count: int) -> list[Resident]:
    """The demo commune and `count` verified residents spread over its neighbourhoods (through the services)."""
    from chalicelib.accounts.principals import principal_of
    from chalicelib.accounts.service import claim_residence
    from chalicelib.accounts.signin import account_for_email
    from chalicelib.accounts.verification import verify_resident
    from chalicelib.neighbourhoods.service import list_published
    from chalicelib.verification.service import _neighbourhood_households
    from ops import demo, demo_commune
    from ops.demo_residents import STAFF_EMAIL, RESIDENTS

    demo.load_demo()
    staff = account_for_email(STAFF_EMAIL, "lb")
    lau2 = demo_commune.LAU2
    taken = len(RESIDENTS)  # the demo people live at the first addresses of the first neighbourhood
    free = [[(nbh.id, address.id) for address in _neighbourhood_households(lau2, nbh.id)]
            for nbh in list_published(lau2).neighbourhoods]
    free[0] = free[0][taken:]
    addresses = [pair for row in zip(*free) for pair in row]  # one per neighbourhood in turn
    if len(addresses) < count:
        raise SystemExit(f"Demo-Gemeng has {len(addresses)} free addresses: at most that many residents")
    residents = []
    for n, (nbh_id, address_id) in enumerate(addresses[:count]):
        email = f"resident{n:03d}@bench.noper.lu"
        user = account_for_email(email, "lb")
        claim_residence(principal_of(user), address_id)
        user.refresh()
        verify_resident(user, "staff", staff.user_id)
        residents.append(Resident(n, email, user.user_id, nbh_id))
    for resident in residents:
        same = [r for r in residents if r.neighbourhood_id == resident.neighbourhood_id]
        resident.neighbour_id = same[(same.index(resident) + 1) % len(same)].user_id
    return residents


# --- the residents ---------------------------------------------------------------------------------

@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)
    signed_in: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str, seconds: float, status: int, body: bytes) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if status >= 400 or status == 0:
                self.errors[f"{status} {route}"] += 1
                self.samples.setdefault(f"{status} {route}", body[:200].decode(errors="replace"))


class Browser:
    """One resident's browser: one keep-alive connection from its own loopback address, the session cookies."""

    def __init__(self, origin_port: int, source: str, tally: Tally, deadline: float) -> None:
        self.origin_port, self.source, self.tally, self.deadline = origin_port, source, tally, deadline
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, payload: dict | None = None) -> dict | None:
        if time.monotonic() >= self.deadline:
            raise TimeoutError
        headers = {"Accept": "application/json", "Accept-Language": "lb"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers.update({"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{self.origin_port}",
                            "Sec-Fetch-Site": "same-origin", "X-CSRF-Token": self.cookies.get("noper_csrf", "")})
        route = ID.sub("/{id}", path.split("?")[0])
        started = time.perf_counter()
        status, data = 0, b""
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.origin_port, timeout=30,
                                                             source_address=(self.source, 0))
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            status, data = answer.status, answer.read()
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";")[0]
        except (OSError, http.client.HTTPException) as error:
            data = repr(error).encode()
            if self.connection is not None:
                self.connection.close()
            self.connection = None
        self.tally.add(f"{method} {route}", time.perf_counter() - started, status, data)
        if status >= 400 or status == 0 or not data:
            return None
        return json.loads(data)


def code_from_outbox(outbox: Path, email: str, deadline: float) -> str:
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob(f"*-{email}.eml"), reverse=True):
            subject = message_from_bytes(path.read_bytes(), policy=email_policy)["Subject"]
            found = re.search(r"\b(\d{6})\b", str(subject))
            if found:
                return found.group(1)
        time.sleep(0.1)
    raise TimeoutError


def live(resident: Resident, origin_port: int, outbox: Path, tally: Tally, deadline: float,
         ramp: float, think: float) -> None:
    rng = random.Random(resident.number)
    time.sleep(min(rng.uniform(0, ramp), max(0.0, deadline - time.monotonic())))
    browser = Browser(origin_port, f"127.0.0.{2 + resident.number}", tally, deadline)  # 127.0.0.2 .. .201
    nbh = resident.neighbourhood_id

    def pause() -> None:
        time.sleep(min(rng.uniform(0.5, 1.5) * think, max(0.0, deadline - time.monotonic())))

    def ids_of(page: dict | None, key: str) -> list[str]:
        return [entry["id"] for entry in (page or {}).get(key, []) if "id" in entry]

    try:
        browser.call("POST", "/api/v1/auth/code", {"email": resident.email})
        code = code_from_outbox(outbox, resident.email, deadline)
        if browser.call("POST", "/api/v1/auth/session", {"email": resident.email, "code": code}) is None:
            return
        with tally.lock:
            tally.signed_in += 1
        browser.call("GET", "/api/v1/me")
        browser.call("POST", f"/api/v1/neighbourhoods/{nbh}/posts",
                     {"kind": "discussion", "title": f"Hello from number {resident.number}",
                      "text": "Who else is going to the village fair on Saturday?"})
        if resident.number % 3 == 0:
            browser.call("POST", f"/api/v1/neighbourhoods/{nbh}/items",
                         {"name": f"Ladder {resident.number}", "description": "Three metres, aluminium",
                          "category": "tools"})
        if resident.number % 2 == 0 and resident.neighbour_id != resident.user_id:
            browser.call("POST", "/api/v1/conversations",
                         {"with_user_id": resident.neighbour_id, "text": "Hello neighbour, is the ladder free?"})
        posts: list[str] = []
        while time.monotonic() < deadline:
            pause()
            screen = rng.random()
            if screen < 0.35 or not posts:  # the feed, with the unread badge
                posts = ids_of(browser.call("GET", f"/api/v1/neighbourhoods/{nbh}/posts"), "posts") or posts
                browser.call("GET", "/api/v1/me/unread")
            elif screen < 0.60:  # a post and its comments
                post = rng.choice(posts)
                browser.call("GET", f"/api/v1/posts/{post}")
                browser.call("GET", f"/api/v1/posts/{post}/comments")
            elif screen < 0.75:  # the lending library
                items = ids_of(browser.call("GET", f"/api/v1/neighbourhoods/{nbh}/items"), "items")
                if items:
                    browser.call("GET", f"/api/v1/items/{rng.choice(items)}")
                browser.call("GET", f"/api/v1/neighbourhoods/{nbh}/wanted")
            elif screen < 0.90:  # messages
                talks = ids_of(browser.call("GET", "/api/v1/conversations"), "conversations")
                if talks:
                    browser.call("GET", f"/api/v1/conversations/{rng.choice(talks)}/messages")
            elif screen < 0.95:  # a comment
                browser.call("POST", f"/api/v1/posts/{rng.choice(posts)}/comments", {"text": "Count me in!"})
            else:  # a message in one of my conversations
                talks = ids_of(browser.call("GET", "/api/v1/conversations"), "conversations")
                if talks:
                    browser.call("POST", f"/api/v1/conversations/{rng.choice(talks)}/messages",
                                 {"text": "Thanks, see you tomorrow"})
    except TimeoutError:
        pass  # the deadline
    finally:
        if browser.connection is not None:
            browser.connection.close()


# --- main ------------------------------------------------------------------------------------------

def warm_up(origin_port: int) -> None:
    """A few requests before the clock starts: the API's first ones create its clients."""
    browser = Browser(origin_port, "127.0.0.1", Tally(), time.monotonic() + 60)
    for _ in range(5):
        browser.call("GET", "/api/v1/health")
        browser.call("GET", "/api/v1/communes")
    browser.connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    if sys.argv[1:2] == ["--serve-api"]:  # the API process this bench starts (below)
        serve_api(int(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the residents browse")
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean seconds a resident spends on a screen before the next")
    parser.add_argument("--ramp", type=float, default=30.0, help="sign-ins spread over these first seconds")
    args = parser.parse_args()
    if not 1 <= args.residents <= 250:
        parser.error("--residents: 1 to 250 (one loopback address each, and Demo-Gemeng's addresses)")
    if not 1 <= args.seconds <= 1800:
        parser.error("--seconds: 1 to 1800")

    services = stack.Services()
    work = Path(tempfile.mkdtemp(prefix="noper-load-"))
    outbox, counts_file = work / "outbox", work / "dynamodb-calls.json"
    try:
        dynamodb = stack.start_dynamodb(services, stack.free_port(), db_path=None)
        aws = stack.start_moto(services, stack.free_port())
        quiet = {"POWERTOOLS_LOG_LEVEL": "WARNING", "NOPER_OUTBOX_DIR": str(outbox)}
        env = stack.stack_environment("local", dynamodb, aws, TABLE, extra=quiet)
        os.environ.update(env)
        stack.provision()
        print(f"setting up Demo-Gemeng and {args.residents} residents…", flush=True)
        residents = set_up_residents(args.residents)
        api_port, origin_port = stack.free_port(), stack.free_port()
        api = services.start("api", [str(stack.VENV_BIN / "python"), str(Path(__file__).resolve()), "--serve-api",
                                     str(api_port), str(counts_file)], work / "api.log", env={**os.environ, **env})
        stack._wait_http(f"http://127.0.0.1:{api_port}/api/v1/health", api, "the API", 60)
        origin = services.start("origin", [str(stack.VENV_BIN / "python"), "-c",
                                           "import time; from pathlib import Path; from ops.origin import serve; "
                                           f"serve({origin_port}, Path('frontend/dist'), 'http://127.0.0.1:{api_port}', "
                                           f"{aws!r}, {env['NOPER_ORIGIN_SECRET']!r}); time.sleep(86400)"],
                                work / "origin.log", env={**os.environ, "PYTHONPATH": str(stack.ROOT)})
        stack._wait_http(f"http://127.0.0.1:{origin_port}/api/v1/health", origin, "the origin", 30)

        warm_up(origin_port)
        tally = Tally()
        before = dynamodb_calls(counts_file)
        start = time.monotonic()
        deadline = start + args.seconds
        print(f"{args.residents} residents sign in and browse for {args.seconds:.0f} s…", flush=True)
        threads = [threading.Thread(target=live, args=(r, origin_port, outbox, tally, deadline, args.ramp,
                                                       args.think), daemon=True) for r in residents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline + 35 - time.monotonic()))
        elapsed = time.monotonic() - start
        calls = dynamodb_calls(counts_file) - before
    finally:
        services.stop()

    requests = len(tally.latencies)
    errors = sum(tally.errors.values())
    database = sum(calls.values())
    ms = [1000 * s for s in tally.latencies]
    print(f"\nresidents {args.residents}, {elapsed:.0f} s, think {args.think} s, sign-ins over {args.ramp:.0f} s")
    print(f"signed in {tally.signed_in} of {args.residents}")
    print(f"requests {requests}  ({requests / elapsed:.1f}/s)")
    if ms:
        print(f"latency ms  p50 {percentile(ms, 0.50):.0f}  p95 {percentile(ms, 0.95):.0f}  "
              f"p99 {percentile(ms, 0.99):.0f}  max {max(ms):.0f}  mean {statistics.fmean(ms):.0f}")
    print(f"errors {errors}")
    for route, count in tally.errors.most_common(10):
        print(f"  {count:5}  {route}: {tally.samples[route]}")
    print(f"DynamoDB requests {database}  ({database / max(requests, 1):.2f} per API request: "
          + ", ".join(f"{n} {op}" for op, n in calls.most_common()) + ")")
    print(f"logs: {work}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
