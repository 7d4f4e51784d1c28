"""Bench: the DynamoDB round trips of each route of the web app, the session's read included (issue 16).

    PYTHONPATH=. .venv/bin/python bench/route_calls.py [--markdown]

Starts its own DynamoDB Local and moto server (S3), imports the sample register and publishes Clervaux's
neighbourhoods, gives each person of the scenario (verified neighbours, a newcomer, two ambassadors, a commune
moderator, commune staff) an account and a real session, then runs one realistic request per route through
`chalice.test.Client` with the session's cookies, while `count_dynamodb_calls` counts the calls by operation:
reading the session is part of every signed-in request's count. A GET whose cost depends on state runs again in
it: each paged list a page of one entry at a time (`pages`: the second page by the first one's cursor), a thread
of five commenters, the audit log with entries, lost pets with a photo, a post I thanked, a hidden post read by its
author, a conversation with a blocked neighbour. Prints the table, then the GET routes this
scenario did not reach. Exits 1 when a GET made more than MAX_GET_CALLS calls (#16: at most 2).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import stack  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "lu-addresses-sample.csv"
LAU2 = "0501"
MAX_GET_CALLS = 2
# The commune's indicators (#14) read aggregates of every neighbourhood over weeks and months: their own target is
# the session and at most 2 Queries (a year: 3, its frozen months), whatever the activity (bench/indicators.py);
# the yearly report (a PDF file, not a screen) reads the commune, its neighbourhoods, its months, the costs and the
# communes. Measured here with those budgets, apart from the screens' 2.
OWN_BUDGETS = {"/api/v1/communes/{lau2}/indicators": 3, "/api/v1/communes/{lau2}/indicators (year: frozen months)": 4,
               "/api/v1/neighbourhoods/{neighbourhood_id}/indicators": 3, "/api/v1/communes/{lau2}/indicators.csv": 3,
               "/api/v1/communes/{lau2}/indicators/public": 3, "/api/v1/communes/{lau2}/report": 6}
JSON = {"Content-Type": "application/json"}
PDF = "application/pdf"
# Served to people outside the web app, or files (a .pb export reads every ballot): not the web app's screens.
NOT_SCREENS = re.compile(r"openapi|unsubscribe|\.atom|\.csv|\.pb$|/publish|paper-digest|/documents/|/health|calendar-feeds/\{")


@dataclass
class Person:
    user_id: str
    headers: dict[str, str] = field(default_factory=dict)


def main() -> int:
    services = stack.Services()
    try:
        dynamodb = stack.start_dynamodb(services, stack.free_port(), db_path=None)
        aws = stack.start_moto(services, stack.free_port())
        os.environ.update(stack.stack_environment("test", dynamodb, aws, "noper-bench-routes"))
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        stack.provision()
        return run()
    finally:
        services.stop()


@contextlib.contextmanager
def traced(method: str, template: str) -> Iterator[list[str] | None]:
    """With --trace, each GET's calls as "Operation key" (to see which reads to batch)."""
    if "--trace" not in sys.argv or method != "GET":
        yield None
        return
    from chalicelib.store.table import table_connection

    trace: list[str] = []

    def record(model, params, **_kwargs) -> None:
        sent = json.loads(params.get("body") or b"{}")
        key = sent.get("Key") or sent.get("ExpressionAttributeValues") or sent.get("RequestItems") or ""
        trace.append(f"{model.name} {json.dumps(key)[:160]}")

    from chalicelib.adapters.aws import client
    emitters = {id(c.meta.events): c.meta.events for c in (client("dynamodb"), table_connection().connection.client)}
    for events in emitters.values():
        events.register("before-call.dynamodb", record)
    try:
        yield trace
    finally:
        for events in emitters.values():
            events.unregister("before-call.dynamodb", record)


def run() -> int:
    from chalice.test import Client
    from PIL import Image

    from app import api, app
    from chalicelib.accounts.models import UserItem
    from chalicelib.accounts.service import residents_key
    from chalicelib.accounts.signin import start_session
    from chalicelib.adapters.aws import client as aws_client
    from chalicelib.adapters.clock import now
    from chalicelib.adapters.ids import new_id
    from chalicelib.addresses.importer import import_addresses
    from chalicelib.addresses.register import address_id
    from chalicelib.addresses.service import get_address
    from chalicelib.config import get_settings
    from chalicelib.neighbourhoods import service as neighbourhoods
    from chalicelib.photos.service import process_uploaded_photo
    from chalicelib.policy import Principal
    from chalicelib.publishers import links, service as publishers
    from chalicelib.publishers.models import LinkRequest, PublisherRequest
    from chalicelib.store.calls import count_dynamodb_calls

    import_addresses(SAMPLE.read_bytes(), create_communes=True)
    neighbourhoods.publish(LAU2, neighbourhoods.propose(LAU2, 300).version)
    with SAMPLE.open(encoding="utf-8-sig") as rows:
        ids = [address_id(r["id_caclr_rue"], r["numero"], r["id_caclr_bat"])
               for r in csv.DictReader(rows, delimiter=";") if r["lau2"] == LAU2]
    by_neighbourhood: dict[str, list[str]] = {}
    for one in ids:
        address = get_address(one)
        if address.neighbourhood is not None:
            by_neighbourhood.setdefault(address.neighbourhood.id, []).append(one)
    nbh, addresses = max(by_neighbourhood.items(), key=lambda pair: len(pair[1]))
    other_nbh = next(n for n in by_neighbourhood if n != nbh)
    households = iter(addresses)

    def person(user_id: str, *, status: str = "verified", neighbourhood: str = nbh, ambassador: bool = False,
               moderator: bool = False, staff: frozenset[str] = frozenset()) -> Person:
        home = next(households) if neighbourhood == nbh else by_neighbourhood[neighbourhood][0]
        address = get_address(home)  # its street and number go on the account, as claiming an address does
        user = UserItem(*UserItem.key(user_id), user_id=user_id, email=f"{user_id.lower()}@bench.lu",
                        display_name=user_id.title(), created_at=now(), address_id=home, lau2=LAU2,
                        street=address.street, house_number=address.number or None,
                        neighbourhood_id=neighbourhood, residence_status=status, verified_at=now(),
                        gsi1pk=residents_key(neighbourhood), gsi1sk=f"{status}#{user_id}",
                        ambassador_of={neighbourhood} if ambassador else set(),
                        moderator_of={LAU2} if moderator else set(), staff=set(staff),
                        vouchers_listed=True if status == "pending" else None)  # as claiming does
        user.save()
        opened = start_session(user, "bench")
        return Person(user_id, {**JSON, "Cookie": f"noper_session={opened.token}; noper_csrf={opened.csrf}",
                                "X-CSRF-Token": opened.csrf})

    anna, ben = person("anna"), person("ben")
    amb1, amb2 = person("amb1", ambassador=True), person("amb2", ambassador=True)
    moderator = person("mod", moderator=True, neighbourhood=other_nbh)
    readers = [person(f"reader{n}") for n in range(3)]
    newcomer = person("newcomer", status="pending")
    person(new_id(), status="pending")  # two waiting: the list of pending residents has a second page (ids: ULIDs)
    clerk = Person("clerk")
    clerk.headers = person("clerk", status="none", staff=frozenset({f"{LAU2}:admin", f"{LAU2}:verifier",
                                                                  f"{LAU2}:editor"})).headers
    staff_principal = Principal(user_id="clerk", staff=frozenset({(LAU2, "admin"), (LAU2, "editor"), (LAU2, "verifier")}))
    from chalicelib.neighbours.service import recount_members

    recount_members(LAU2)  # the people were stored directly: their neighbourhoods' member counts
    from chalicelib.verification.service import index_pending_residents

    index_pending_residents(LAU2)  # and the commune's index of pending residents, as claiming writes it
    rows: list[tuple[str, str, int, Counter]] = []
    seen: set[tuple[str, str]] = set()
    gets = {doc.path for doc in api.docs if doc.method == "GET" and not NOT_SCREENS.search(doc.path)}

    with Client(app, stage_name="test") as test_client:
        http = test_client.http

        def call(who: Person, method: str, template: str, body=None, query: str = "", note: str = "",
                 accept: str | None = None, **values):
            url = template.format(neighbourhood_id=nbh, lau2=LAU2, **values) + query
            payload = json.dumps(body).encode() if body is not None else b""
            headers = {**who.headers, "Accept": accept} if accept else who.headers
            with count_dynamodb_calls() as calls, traced(method, template) as trace:
                response = http.request(method, url, headers=headers, body=payload)
            if trace is not None and sum(calls.values()) > MAX_GET_CALLS:
                print(f"  trace {method} {template}: " + "; ".join(trace))
            rows.append((method, template + (f" ({note})" if note else ""), response.status_code, Counter(calls)))
            seen.add((method, template))
            if response.status_code >= 400:
                print(f"  note: {method} {url} answered {response.status_code}: {response.body[:160]!r}")
            return response.json_body if response.body else None

        def pages(who: Person, template: str, query: str = "", to_the_end: bool = False, **values) -> None:
            """A paged GET's first page of one entry, then its second page by the first page's cursor (and on to
            the last, often empty: DynamoDB gives a cursor when the page is full)."""
            page, number = call(who, "GET", template, query=f"?limit=1{query}", note="page 1 of 1 entry", **values), 1
            if not (page or {}).get("cursor"):
                print(f"  note: GET {template} gave no cursor: no second page")
            while (page or {}).get("cursor") and (number < 2 or to_the_end):
                number += 1
                page = call(who, "GET", template, query=f"?limit=1{query}&cursor={page['cursor']}", **values,
                            note=f"page {number}, by cursor")

        # Weekly active residents (#14): each verified resident's first request of the week writes once (a marker, the
        # week's count and their session's `active_week`, one transaction); their later requests write nothing. The
        # scenario's people make that first request here, so the rows below are the rest of the week's.
        firsts = Counter()
        for who in (anna, ben, amb1, amb2, moderator, *readers):
            with count_dynamodb_calls() as first:
                http.request("GET", "/api/v1/me/sessions", headers=who.headers)
            firsts.update(first)
        print(f"  the first request of the week of {len(readers) + 5} verified residents: {dict(firsts)} in all "
              "(one more transaction each, once a week)")
        tomorrow, later = (now() + timedelta(days=1)).date(), (now() + timedelta(days=3)).date()
        # uploads and photos
        started = call(anna, "POST", "/api/v1/uploads", {"purpose": "post", "content_type": "image/jpeg", "size": 20000})
        jpeg = io.BytesIO()
        Image.new("RGB", (640, 480), (90, 120, 200)).save(jpeg, format="JPEG")
        bucket = get_settings().uploads_bucket
        aws_client("s3").put_object(Bucket=bucket, Key=started["upload"]["fields"]["key"], Body=jpeg.getvalue())
        process_uploaded_photo(bucket, started["upload"]["fields"]["key"])
        call(ben, "GET", "/api/v1/photos/{photo_id}", photo_id=started["photo_id"])
        # posts and the feed
        cat = call(anna, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/posts",
                   {"kind": "lost_pet", "species": "cat", "description": "Grey tabby", "photo_id": started["photo_id"],
                    "last_seen": {"lat": 49.61, "lon": 6.13}}, note="lost pet, photo")
        post = call(anna, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/posts",
                    {"kind": "help_request", "title": "Ladder", "text": "Need help with a ladder on Saturday"},
                    note="help request")
        call(ben, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/posts",
             {"kind": "recommendation", "trade": "plumber", "name": "Jos Weber", "phone": "+352 621 123 456",
              "text": "Quick and fair"}, note="recommendation")
        call(ben, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/posts")
        pages(ben, "/api/v1/neighbourhoods/{neighbourhood_id}/posts")
        call(ben, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/posts", query="?kind=lost_pet",
             note="lost pets, with a photo")
        call(ben, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/professionals")
        call(ben, "GET", "/api/v1/posts/{post_id}", post_id=post["id"])
        call(anna, "PATCH", "/api/v1/posts/{post_id}",
             {"kind": "help_request", "title": "Ladder", "text": "Need help with a ladder on Sunday"}, post_id=post["id"])
        call(anna, "POST", "/api/v1/posts/{post_id}/state", {"state": "matched", "with_user_id": ben.user_id},
             post_id=post["id"])
        call(amb1, "PUT", "/api/v1/posts/{post_id}/pin", post_id=post["id"])
        call(amb1, "DELETE", "/api/v1/posts/{post_id}/pin", post_id=post["id"])
        # comments and thanks
        comment = call(ben, "POST", "/api/v1/posts/{post_id}/comments", {"text": "I can help", "mentions": [anna.user_id]},
                       post_id=post["id"])
        call(anna, "GET", "/api/v1/posts/{post_id}/comments", post_id=post["id"])
        # a thread of several commenters, a reply among them, then read a page at a time
        call(anna, "POST", "/api/v1/posts/{post_id}/comments", {"text": "Thanks!", "reply_to": comment["id"]},
             post_id=post["id"], note="a reply")
        for reader in readers:
            call(reader, "POST", "/api/v1/posts/{post_id}/comments", {"text": "Me too"}, post_id=post["id"],
                 note="another commenter")
        call(anna, "GET", "/api/v1/posts/{post_id}/comments", post_id=post["id"], note="five commenters")
        pages(anna, "/api/v1/posts/{post_id}/comments", post_id=post["id"])
        call(ben, "PUT", "/api/v1/posts/{post_id}/thanks", post_id=post["id"])
        call(ben, "GET", "/api/v1/posts/{post_id}", post_id=post["id"], note="thanked by me")
        call(ben, "DELETE", "/api/v1/posts/{post_id}/thanks", post_id=post["id"])
        # the lending library
        item = call(ben, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/items",
                    {"name": "Drill", "description": "Cordless, two batteries", "category": "tools"})
        call(anna, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/items", query="?q=drill")
        call(anna, "GET", "/api/v1/items/{item_id}", item_id=item["id"])
        call(ben, "PATCH", "/api/v1/items/{item_id}", {"conditions": "Charge it back"}, item_id=item["id"])
        call(anna, "GET", "/api/v1/items/{item_id}/calendar", item_id=item["id"])
        call(anna, "POST", "/api/v1/items/{item_id}/comments", {"text": "Does it take SDS bits?"}, item_id=item["id"])
        call(ben, "GET", "/api/v1/items/{item_id}/comments", item_id=item["id"])
        call(ben, "POST", "/api/v1/items/{item_id}/comments", {"text": "Yes, both"}, item_id=item["id"])
        pages(anna, "/api/v1/items/{item_id}/comments", item_id=item["id"], to_the_end=True)
        call(anna, "POST", "/api/v1/items/{item_id}/reports", {"reason": "commercial"}, item_id=item["id"])
        loan = call(anna, "POST", "/api/v1/items/{item_id}/loans", {"start": tomorrow.isoformat(), "end": later.isoformat()},
                    item_id=item["id"])
        call(anna, "GET", "/api/v1/loans/{loan_id}", loan_id=loan["id"])
        call(ben, "POST", "/api/v1/loans/{loan_id}/decision", {"decision": "accept"}, loan_id=loan["id"])
        call(ben, "POST", "/api/v1/loans/{loan_id}/state", {"state": "picked_up"}, loan_id=loan["id"])
        call(anna, "GET", "/api/v1/me/loans")
        # Neighbourhood events (issue #11): a monthly repair café, its calendar, answers and its .ics
        café = call(anna, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/events",
                    {"title": "Repair café", "category": "repair_cafe", "start": f"{later.isoformat()}T14:00",
                     "end": f"{later.isoformat()}T17:00", "capacity": 12, "rrule": "FREQ=MONTHLY;COUNT=6"})
        call(ben, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/events", query=f"?from={tomorrow.isoformat()}T00:00")
        call(ben, "GET", "/api/v1/events/{event_id}", event_id=café["id"])
        call(ben, "PUT", "/api/v1/events/{event_id}/occurrences/{occurrence_id}/answer", {"answer": "going", "extra": 1},
             event_id=café["id"], occurrence_id=café["occurrence_id"])
        call(anna, "GET", "/api/v1/events/{event_id}/occurrences/{occurrence_id}/answers", event_id=café["id"],
             occurrence_id=café["occurrence_id"])
        call(ben, "GET", "/api/v1/events/{event_id}/calendar.ics", event_id=café["id"])
        call(ben, "GET", "/api/v1/events/{event_id}/comments", event_id=café["id"])
        for who in (anna, ben):
            call(who, "POST", "/api/v1/events/{event_id}/comments", {"text": "Bring a toaster?"}, event_id=café["id"])
        pages(ben, "/api/v1/events/{event_id}/comments", event_id=café["id"])
        call(anna, "PATCH", "/api/v1/events/{event_id}", {"capacity": 15}, event_id=café["id"])
        feed = call(ben, "POST", "/api/v1/me/calendar-feeds")
        call(ben, "GET", "/api/v1/me/calendar-feeds")
        call(ben, "GET", "/api/v1/me/events")
        call(ben, "DELETE", "/api/v1/me/calendar-feeds/{feed_id}", feed_id=feed["id"])
        # Calls for volunteers (issue #12): a clean-up day with two shifts, its list, signing up, the organiser's view
        clean_up = call(anna, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/volunteering",
                        {"title": "Clean-up day", "what": "Pick up litter along the river", "skills": ["cleaning"],
                         "shifts": [{"role": "Morning", "start": f"{later.isoformat()}T09:00",
                                     "end": f"{later.isoformat()}T12:00", "needed": 6},
                                    {"role": "Afternoon", "start": f"{later.isoformat()}T13:00",
                                     "end": f"{later.isoformat()}T16:00", "needed": 6}]})
        call(ben, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/volunteering")
        call(ben, "GET", "/api/v1/volunteering/{call_id}", call_id=clean_up["id"])
        call(ben, "POST", "/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up", call_id=clean_up["id"],
             shift_id="01")
        call(anna, "GET", "/api/v1/volunteering/{call_id}/sign-ups", call_id=clean_up["id"])
        call(ben, "POST", "/api/v1/volunteering/{call_id}/comments", {"text": "I bring gloves"}, call_id=clean_up["id"])
        call(anna, "GET", "/api/v1/volunteering/{call_id}/comments", call_id=clean_up["id"])
        call(ben, "GET", "/api/v1/me/shifts")
        call(anna, "GET", "/api/v1/me/calls")
        call(ben, "GET", "/api/v1/me/volunteering/record")
        call(ben, "GET", "/api/v1/me/volunteering/certificate.pdf", query="?language=en", accept=PDF)
        # Skills neighbours offer and welcome buddies (issue #12)
        call(anna, "PUT", "/api/v1/me/volunteering",
             {"skills": ["gardening", "computer_help"], "frequency": "weekly", "languages": ["fr", "lb"], "buddy": True})
        call(anna, "GET", "/api/v1/me/volunteering")
        call(ben, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/helpers", query="?skill=gardening")
        call(readers[0], "PUT", "/api/v1/me/volunteering", {"languages": ["fr"]})
        pair = call(readers[0], "POST", "/api/v1/me/buddy-pairs")
        call(readers[0], "GET", "/api/v1/me/buddy-pairs")
        call(readers[0], "POST", "/api/v1/buddy-pairs/{pair_id}/accept", pair_id=pair["id"])
        call(anna, "POST", "/api/v1/buddy-pairs/{pair_id}/decline", pair_id=pair["id"], note="after one accepted")
        call(anna, "POST", "/api/v1/buddy-pairs/{pair_id}/end", pair_id=pair["id"], note="declined already: 409")
        call(readers[0], "DELETE", "/api/v1/me/volunteering")
        wanted = call(anna, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/wanted",
                      {"name": "Trailer", "description": "For one day"})
        call(ben, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/wanted")
        call(anna, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/wanted/{wanted_id}/close", {},
             wanted_id=wanted["id"])
        # messages
        talk = call(anna, "POST", "/api/v1/conversations",
                    {"with_user_id": ben.user_id, "about": {"item_id": item["id"]}, "text": "Can I pick it up tonight?"})
        call(ben, "POST", "/api/v1/conversations/{conversation_id}/messages", {"text": "Sure, after 6"},
             conversation_id=talk["id"])
        page = call(anna, "GET", "/api/v1/conversations/{conversation_id}/messages", conversation_id=talk["id"])
        pages(anna, "/api/v1/conversations/{conversation_id}/messages", conversation_id=talk["id"], to_the_end=True)
        call(anna, "GET", "/api/v1/conversations")
        call(anna, "GET", "/api/v1/me/unread")
        call(anna, "POST", "/api/v1/messages/{message_id}/reports", {"reason": "spam"},
             message_id=page["messages"][0]["id"])
        call(anna, "PUT", "/api/v1/me/blocks/{user_id}", user_id=ben.user_id)
        call(anna, "GET", "/api/v1/conversations", note="with a neighbour I block")
        call(ben, "GET", "/api/v1/conversations/{conversation_id}/messages", conversation_id=talk["id"],
             note="blocked by the other")
        call(anna, "DELETE", "/api/v1/me/blocks/{user_id}", user_id=ben.user_id)
        # moderation: reports, the queue, hiding, appeals, the log, the tone reminder
        call(ben, "POST", "/api/v1/posts/{post_id}/reports", {"reason": "spam", "text": "ads"}, post_id=cat["id"])
        call(anna, "POST", "/api/v1/comments/{comment_id}/reports", {"reason": "harassment"}, comment_id=comment["id"])
        for reader in readers[:2]:
            call(reader, "POST", "/api/v1/posts/{post_id}/reports", {"reason": "spam"}, post_id=cat["id"],
                 note="the third hides it" if reader is readers[1] else "")
        call(amb1, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/reports")
        call(moderator, "POST", "/api/v1/neighbourhoods/{neighbourhood_id}/reports/{target_type}/{target_id}",
             {"action": "hide", "reason": "harassment"}, target_type="comment", target_id=comment["id"],
             note="commune moderator")
        call(amb1, "POST", "/api/v1/posts/{post_id}/moderation", {"action": "hide", "reason": "off_topic"},
             post_id=post["id"])
        call(anna, "GET", "/api/v1/posts/{post_id}", post_id=post["id"], note="hidden, read by its author")
        call(anna, "POST", "/api/v1/posts/{post_id}/appeal", {"text": "It is about the street"}, post_id=post["id"])
        call(anna, "POST", "/api/v1/posts/{post_id}/appeal", {"text": "The cat is still lost"}, post_id=cat["id"],
             note="the hidden lost pet")
        call(amb2, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/appeals")
        pages(amb2, "/api/v1/neighbourhoods/{neighbourhood_id}/appeals")
        call(amb2, "POST", "/api/v1/posts/{post_id}/appeal/decision", {"decision": "restore", "reason": "fair"},
             post_id=post["id"])
        call(amb1, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/moderation-log")
        pages(amb1, "/api/v1/neighbourhoods/{neighbourhood_id}/moderation-log")
        call(anna, "POST", "/api/v1/tone-check", {"text": "Thanks for the ladder!"})
        # the resident's own screens and the neighbourhood
        call(anna, "GET", "/api/v1/me")
        call(anna, "GET", "/api/v1/me/badges")
        call(anna, "GET", "/api/v1/me/sessions")
        call(anna, "GET", "/api/v1/me/notifications")
        call(anna, "GET", "/api/v1/me/announcements")
        call(newcomer, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}", note="pending newcomer")
        call(anna, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/members")
        call(anna, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/pending")
        call(anna, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations")
        call(anna, "GET", "/api/v1/communes/{lau2}/announcements")
        call(anna, "GET", "/api/v1/communes/{lau2}/events")
        call(Person("visitor", JSON), "GET", "/api/v1/communes/{lau2}/events.ics", note="public calendar, signed out")
        call(anna, "GET", "/api/v1/communes")
        call(anna, "GET", "/api/v1/communes/{lau2}")
        call(anna, "GET", "/api/v1/communes/{lau2}/neighbourhoods")
        call(anna, "GET", "/api/v1/communes/{lau2}/neighbourhoods.geojson")
        call(anna, "GET", "/api/v1/communes/{lau2}/addresses", query="?q=kaesfurt")
        # the commune's staff
        for template in ("/api/v1/communes/{lau2}/verifications", "/api/v1/communes/{lau2}/audit",
                         "/api/v1/communes/{lau2}/address-imports", "/api/v1/communes/{lau2}/neighbourhood-draft",
                         "/api/v1/communes/{lau2}/neighbourhood-draft.geojson", "/api/v1/communes/{lau2}/publishers",
                         "/api/v1/communes/{lau2}/publishing-settings", "/api/v1/communes/{lau2}/publisher-links",
                         "/api/v1/communes/{lau2}/announcement-reviews", "/api/v1/communes/{lau2}/consultations",
                         "/api/v1/communes/{lau2}/event-reviews", "/api/v1/communes/{lau2}/call-reviews"):
            call(clerk, "GET", template, query="?status=pending" if template.endswith("verifications") else "")
        pages(clerk, "/api/v1/communes/{lau2}/verifications", query="&status=pending")
        started_import = call(clerk, "POST", "/api/v1/communes/{lau2}/address-imports",
                              {"filename": "register.csv", "size": 2000})
        call(clerk, "GET", "/api/v1/communes/{lau2}/address-imports/{import_id}", import_id=started_import["import_id"])
        call(clerk, "GET", "/api/v1/communes/{lau2}/roles")
        call(clerk, "GET", "/api/v1/communes/{lau2}/neighbourhoods/{nbh_id}/residents", nbh_id=nbh)
        call(clerk, "GET", "/api/v1/communes/{lau2}/posters", query=f"?size=a4&neighbourhood_id={nbh}", accept=PDF)
        call(anna, "GET", "/api/v1/me/invitation")
        call(anna, "GET", "/api/v1/me/invitation/flyer", accept=PDF)
        call(anna, "POST", "/api/v1/me/exports")  # prepared at once in-process (the queue's job), as on the local stage
        call(anna, "GET", "/api/v1/me/exports/latest")
        # an announcement sent through a publisher link, then read by a resident
        partner = publishers.register(staff_principal, LAU2, PublisherRequest(
            kind="commune", name="Service technique", purpose="Roadworks", contact="tech@clervaux.lu",
            non_commercial=True))
        bearer = Person("link", {**JSON, "X-Publisher-Link": links.issue(LAU2, LinkRequest(
            publisher_id=partner.id, neighbourhoods=None, expires_in_days=30), issued_by="clerk").token})
        news = call(bearer, "POST", "/api/v1/publish/announcements", {
            "versions": [{"language": "en", "title": "Roadworks on Grand-Rue", "body": "Closed **all week**."}],
            "category": "information", "target": {"kind": "commune"}, "public": False,
            "valid_until": (now() + timedelta(days=7)).isoformat()})
        call(anna, "GET", "/api/v1/announcements/{announcement_id}", announcement_id=news["id"])
        # the same link's calls for volunteers: two published, one signed up for, then its list (which would grow with
        # its calls if it read their shifts: N+1), with its shifts and sign-ups for the organiser
        for title, day in (("Carnival stewards", tomorrow), ("Repair café helpers", later)):
            appeal = call(bearer, "POST", "/api/v1/publish/volunteering", {
                "title": title, "target": {"kind": "commune"},
                "shifts": [{"role": "Stewards", "start": f"{day.isoformat()}T17:00", "end": f"{day.isoformat()}T20:00",
                            "needed": 4}]})
        call(ben, "POST", "/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up", call_id=appeal["id"],
             shift_id="01", note="a publisher's call")
        call(bearer, "GET", "/api/v1/publish/volunteering", note="two calls")
        call(bearer, "GET", "/api/v1/publish/volunteering/{call_id}/sign-ups", call_id=appeal["id"])
        # a consultation of the neighbourhood: drafted, published, answered, read by staff and residents
        every = {lang: "Square" for lang in ("lb", "fr", "de", "en", "pt")}
        drafted = call(clerk, "POST", "/api/v1/communes/{lau2}/consultations", {
            "title": every, "description": every, "location": {"lat": 50.0547, "lon": 6.0306},
            "neighbourhood_ids": [nbh], "opens_at": (now() - timedelta(hours=1)).isoformat(),
            "closes_at": (now() + timedelta(days=14)).isoformat(),
            "questions": [{"id": "trees", "kind": "single", "prompt": every,
                           "options": [{"id": "trees", "label": every}, {"id": "parking", "label": every}]},
                          {"id": "ideas", "kind": "text", "prompt": every}]})
        call(clerk, "POST", "/api/v1/communes/{lau2}/consultations/{consultation_id}/publish",
             {"version": drafted["version"]}, consultation_id=drafted["id"])
        call(anna, "PUT", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/answers",
             {"answers": {"trees": "trees", "ideas": "Benches"}}, consultation_id=drafted["id"])
        call(anna, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations", note="one open")
        for tail in ("", "/comments", "/results"):
            call(clerk, "GET", "/api/v1/communes/{lau2}/consultations/{consultation_id}" + tail,
                 consultation_id=drafted["id"])
            call(anna, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}" + tail,
                 consultation_id=drafted["id"])
        # a participatory budget: created, a proposal supported and found feasible, a ballot, results published
        at = now()
        budget = call(clerk, "POST", "/api/v1/communes/{lau2}/budgets", {
            "name": every, "text": every, "amount_cents": 100_000, "ballot": {"type": "approval"},
            "support_threshold": 1, "rule": "greedy",
            "dates": {phase: (at + timedelta(days=offset)).isoformat() for phase, offset in (
                ("proposals", -1), ("review", 20), ("voting", 40), ("results", 60), ("implementation", 90))}})
        edition = {"edition_id": budget["id"]}
        project = call(anna, "POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals", {
            "title": "Benches", "description": "Benches on the square", "category": "public_space",
            "estimated_cents": 20_000}, **edition)
        call(ben, "PUT", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/support",
             proposal_id=project["id"], **edition)
        for phase, version in (("review", 1), ("voting", 2)):
            if phase == "voting":
                call(clerk, "POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/review",
                     {"decision": "feasible", "final_cents": 25_000, "reason": "Checked."}, proposal_id=project["id"],
                     **edition)
            call(clerk, "POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/phase",
                 {"phase": phase, "version": version}, **edition)
        call(anna, "PUT", "/api/v1/communes/{lau2}/budgets/{edition_id}/ballot", {"choices": {project["id"]: 1}},
             **edition)
        call(anna, "GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/ballot", **edition)
        call(clerk, "GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/totals", **edition)
        call(clerk, "POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/phase", {"phase": "results", "version": 3},
             **edition)
        call(clerk, "POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/results/publish", {"version": 4}, **edition)
        call(anna, "GET", "/api/v1/communes/{lau2}/budgets")
        for tail in ("", "/proposals", "/results"):
            call(anna, "GET", "/api/v1/communes/{lau2}/budgets/{edition_id}" + tail, **edition)
        call(anna, "GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}",
             proposal_id=project["id"], **edition)
        call(ben, "POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/comments",
             {"text": "Near the bus stop?"}, proposal_id=project["id"], **edition)
        for tail in ("/comments", "/document"):  # the document: none uploaded (404), its reads counted all the same
            call(anna, "GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}" + tail,
                 proposal_id=project["id"], **edition)
        progress = call(clerk, "POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/photos",
                        {"purpose": "proposal", "content_type": "image/jpeg", "size": 20000}, proposal_id=project["id"],
                        **edition)
        aws_client("s3").put_object(Bucket=bucket, Key=progress["upload"]["fields"]["key"], Body=jpeg.getvalue())
        process_uploaded_photo(bucket, progress["upload"]["fields"]["key"])
        call(clerk, "PUT", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/implementation",
             {"state": "done", "photo_id": progress["photo_id"]}, proposal_id=project["id"], **edition)
        call(anna, "GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/photos/{photo_id}",
             proposal_id=project["id"], photo_id=progress["photo_id"], note="a funded project's progress photo",
             **edition)
        # the commune's audit log once its staff decided things: names of who decided, a page at a time
        call(clerk, "GET", "/api/v1/communes/{lau2}/audit", note="with entries")
        pages(clerk, "/api/v1/communes/{lau2}/audit")
        # the commune's indicators (#14): aggregates only, their own budgets (OWN_BUDGETS)
        call(clerk, "GET", "/api/v1/communes/{lau2}/indicators", query="?period=month")
        call(clerk, "GET", "/api/v1/communes/{lau2}/indicators", query="?period=year", note="year: frozen months")
        call(clerk, "GET", "/api/v1/communes/{lau2}/indicators.csv", query="?period=week")
        call(amb1, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/indicators")
        call(anna, "GET", "/api/v1/communes/{lau2}/indicators/public", note="not published: 404")
        call(clerk, "GET", "/api/v1/communes/{lau2}/report", query=f"?year={now().year}", accept=PDF)
        # deletions last
        call(ben, "DELETE", "/api/v1/comments/{comment_id}", comment_id=comment["id"])
        call(anna, "DELETE", "/api/v1/posts/{post_id}", post_id=post["id"])
        call(ben, "POST", "/api/v1/loans/{loan_id}/state", {"state": "returned"}, loan_id=loan["id"], note="returned")
        call(ben, "DELETE", "/api/v1/items/{item_id}", item_id=item["id"])

    operations = sorted({op for *_, calls in rows for op in calls})
    short = {"BatchGetItem": "BatchGet", "BatchWriteItem": "BatchWrite", "GetItem": "Get", "PutItem": "Put",
             "Query": "Query", "TransactWriteItems": "Transact", "UpdateItem": "Update", "DeleteItem": "Delete",
             "TransactGetItems": "TransactGet"}
    heads = [short.get(op, op) for op in operations]
    width = max(len(f"{m} {p}") for m, p, *_ in rows)
    print(f"\n{'route':{width}}  status  " + "  ".join(f"{h:>8}" for h in heads) + "     total")
    for method, template, status, calls in rows:
        counts = "  ".join(f"{calls.get(op, 0) or '':>8}" for op in operations)
        print(f"{method + ' ' + template:{width}}  {status:>6}  {counts}  {sum(calls.values()):>8}")
    if "--markdown" in sys.argv:  # for docs/operations.md
        print("\n| route | status | DynamoDB calls | total |\n|---|---|---|---|")
        for method, template, status, calls in rows:
            spelled = ", ".join(f"{calls[op]} {short.get(op, op)}" for op in operations if calls.get(op))
            print(f"| `{method} {template}` | {status} | {spelled or '—'} | {sum(calls.values())} |")
    over = [(m, p, sum(c.values())) for m, p, _, c in rows
            if m == "GET" and sum(c.values()) > OWN_BUDGETS.get(p, MAX_GET_CALLS)]
    missing = sorted(gets - {p for m, p in seen if m == "GET"})
    print(f"\n{len(gets) - len(missing)} of {len(gets)} GET routes of the web app run"
          + (f"; not run: {missing}" if missing else ""))
    for method, template, total in over:
        print(f"OVER BUDGET: {method} {template} makes {total} DynamoDB calls "
              f"(at most {OWN_BUDGETS.get(template, MAX_GET_CALLS)})")
    print(f"{len(over)} GET routes above {MAX_GET_CALLS} DynamoDB calls, the session's read included "
          f"(the indicators': above their own budgets, {sorted(set(OWN_BUDGETS.values()))})")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
