"""Bench: the DynamoDB calls each route of neighbourhood life makes (issue 5), as a table.

    PYTHONPATH=. .venv/bin/python bench/route_calls.py [--markdown]

Starts its own DynamoDB Local and moto server (S3), sets up two verified neighbours, two ambassadors
and a commune moderator, then runs one realistic request per route through `chalice.test.Client`
(posts, comments, thanks, items, loans, wanted, professionals, messages, uploads, photos, reports,
moderation) while `count_dynamodb_calls` counts the calls by operation. The principal is given
directly: a real request adds the session's two GetItems (session, account), not counted here.
Routes of the issue this scenario did not reach are listed at the end.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import stack  # noqa: E402

NBH = "9901-bench"
ISSUE_5 = re.compile(r"posts|comments|thanks|items|loans|wanted|professionals|conversations|messages|uploads|photos|"
                     r"reports|moderation|appeal|tone-check|unread|blocks")
JSON = {"Content-Type": "application/json"}


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


def run() -> int:
    from chalice.test import Client
    from PIL import Image

    from app import api, app
    from chalicelib import policy
    from chalicelib.accounts.models import UserItem
    from chalicelib.adapters.aws import client as aws_client
    from chalicelib.adapters.clock import now
    from chalicelib.config import get_settings
    from chalicelib.photos.service import process_uploaded_photo
    from chalicelib.policy import Principal
    from chalicelib.store.calls import count_dynamodb_calls

    def resident(user_id: str, address: str, ambassador: bool = False, moderator: bool = False,
                 nbh: str = NBH) -> Principal:
        UserItem(*UserItem.key(user_id), user_id=user_id, email=f"{user_id.lower()}@bench.lu", created_at=now(),
                 address_id=address, lau2="9901", neighbourhood_id=nbh, residence_status="verified").save()
        return Principal(user_id=user_id, lau2="9901", neighbourhood_id=nbh, residence_status="verified",
                         ambassador_of=frozenset({nbh}) if ambassador else frozenset(),
                         moderator_of=frozenset({"9901"}) if moderator else frozenset())

    anna, ben = resident("U-ANNA", "A-1"), resident("U-BEN", "A-2")
    amb1, amb2 = resident("U-AMB1", "A-3", ambassador=True), resident("U-AMB2", "A-4", ambassador=True)
    moderator = resident("U-MOD", "A-5", moderator=True, nbh="9901-other")
    readers = [resident(f"U-R{n}", f"A-{10 + n}") for n in range(3)]
    acting = {"who": anna}
    policy.principal_for = lambda request: acting["who"]  # what tests/conftest.py's act_as does
    rows: list[tuple[str, str, int, Counter]] = []
    seen: set[tuple[str, str]] = set()
    docs = {(doc.method, doc.path) for doc in api.docs if ISSUE_5.search(doc.path) and "consultations" not in doc.path}

    with Client(app, stage_name="test") as test_client:
        http = test_client.http

        def call(who: Principal, method: str, template: str, body=None, query: str = "", note: str = "", **values):
            acting["who"] = who
            url = template.format(neighbourhood_id=NBH, **values) + query
            payload = json.dumps(body).encode() if body is not None else b""
            with count_dynamodb_calls() as calls:
                response = http.request(method, url, headers=JSON, body=payload)
            rows.append((method, template + (f" ({note})" if note else ""), response.status_code, Counter(calls)))
            seen.add((method, template))
            if response.status_code >= 400:
                print(f"  note: {method} {url} answered {response.status_code}: {response.body[:160]!r}")
            return response.json_body if response.body else None

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
        call(ben, "PUT", "/api/v1/posts/{post_id}/thanks", post_id=post["id"])
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
        call(anna, "POST", "/api/v1/items/{item_id}/reports", {"reason": "commercial"}, item_id=item["id"])
        loan = call(anna, "POST", "/api/v1/items/{item_id}/loans", {"start": tomorrow.isoformat(), "end": later.isoformat()},
                    item_id=item["id"])
        call(anna, "GET", "/api/v1/loans/{loan_id}", loan_id=loan["id"])
        call(ben, "POST", "/api/v1/loans/{loan_id}/decision", {"decision": "accept"}, loan_id=loan["id"])
        call(ben, "POST", "/api/v1/loans/{loan_id}/state", {"state": "picked_up"}, loan_id=loan["id"])
        call(anna, "GET", "/api/v1/me/loans")
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
        call(anna, "GET", "/api/v1/conversations")
        call(anna, "GET", "/api/v1/me/unread")
        call(anna, "POST", "/api/v1/messages/{message_id}/reports", {"reason": "spam"},
             message_id=page["messages"][0]["id"])
        call(anna, "PUT", "/api/v1/me/blocks/{user_id}", user_id=ben.user_id)
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
        call(anna, "POST", "/api/v1/posts/{post_id}/appeal", {"text": "It is about the street"}, post_id=post["id"])
        call(amb2, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/appeals")
        call(amb2, "POST", "/api/v1/posts/{post_id}/appeal/decision", {"decision": "restore", "reason": "fair"},
             post_id=post["id"])
        call(amb1, "GET", "/api/v1/neighbourhoods/{neighbourhood_id}/moderation-log")
        call(anna, "POST", "/api/v1/tone-check", {"text": "Thanks for the ladder!"})
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
    missing = sorted(docs - seen)
    print(f"\n{len(seen & docs)} of {len(docs)} routes of issue 5 run" + (f"; not run: {missing}" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
