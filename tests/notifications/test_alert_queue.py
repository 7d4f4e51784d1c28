"""Urgent alerts leave the request through the `noper-alerts` queue (chalicelib/notifications/alert_queue.py).

"AWS mode" below: the queue adapter (chalicelib/adapters/queue.py) sends to SQS instead of running the
job in-process; its SQS client is a fake that records the messages — the only thing faked, at the
adapter's boundary. DynamoDB is the real DynamoDB Local, the mail the local outbox.
"""

from __future__ import annotations

import json

import pytest
from chalice.test import Client

from chalicelib.adapters import mail, queue
from chalicelib.digest import fanout
from chalicelib.notifications import alert_queue
from chalicelib.notifications.alerts import AlertCountItem, AlertsIncomplete, luxembourg_day
from chalicelib.observability import metrics
from chalicelib.posts.models import PostItem
from tests.announcements.world import LAU2, N1, N2, announcement, as_link, build_commune, link, publisher
from tests.api.test_posts import LOST_CAT, clervaux, resident, written  # noqa: F401  (clervaux is a fixture)
from tests.helpers import JSON, STAFF, body
from tests.notifications.factories import make_resident, mails_to
from tests.notifications.test_alerts import NEAR_SOUTH


class FakeSqs:
    """SQS's SendMessageBatch and GetQueueUrl, recording what was sent; `refuse` fails every entry."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []
        self.batches: list[int] = []
        self.refuse = False

    def get_queue_url(self, QueueName: str) -> dict:  # noqa: N803 — botocore's parameter names
        return {"QueueUrl": f"https://sqs.eu-west-1.amazonaws.com/123456789012/{QueueName}"}

    def send_message_batch(self, QueueUrl: str, Entries: list[dict]) -> dict:  # noqa: N803
        assert 1 <= len(Entries) <= 10 and len({e["Id"] for e in Entries}) == len(Entries)
        if self.refuse:
            return {"Successful": [], "Failed": [{"Id": e["Id"], "Code": "InternalError", "SenderFault": False}
                                                 for e in Entries]}
        self.batches.append(len(Entries))
        self.sent.extend((QueueUrl.rsplit("/", 1)[-1], json.loads(e["MessageBody"])) for e in Entries)
        return {"Successful": [{"Id": e["Id"], "MessageId": f"m{n}"} for n, e in enumerate(Entries)], "Failed": []}

    def on(self, name: str) -> list[dict]:
        return [job for queue_name, job in self.sent if queue_name == name]


@pytest.fixture
def sqs(monkeypatch):
    fake = FakeSqs()
    queue.queue_url.cache_clear()
    monkeypatch.setattr(queue, "in_process", lambda: False)
    monkeypatch.setattr(queue, "sqs", lambda: fake)
    yield fake
    queue.queue_url.cache_clear()


def deliver(app, job: dict) -> None:
    """SQS delivers one message to app.py's `urgent_alerts` (exceptions propagate, as Lambda reports them)."""
    from ops import stack

    with Client(app, stage_name="test", project_dir=str(stack.ROOT)) as lambdas:
        event = lambdas.events.generate_sqs_event(message_bodies=[json.dumps(job)], queue_name=alert_queue.QUEUE)
        lambdas.lambda_.invoke("urgent_alerts", event)


@pytest.fixture
def outbox(outbox):
    """The session's outbox, as it was when the test began: `mails_to` then counts this test's mails only
    (the channel's residents have fixed addresses)."""
    for path in outbox.glob("*.eml"):
        path.unlink()
    return outbox


def to(outbox, *addresses):
    return {address: len(mails_to(outbox, address)) for address in addresses}


def publish_emergency(client, target=None):
    response = client.post("/api/v1/publish/announcements", headers=as_link(link(publisher())),
                           body=body(announcement(target, category="emergency", title="Water cut")))
    assert response.status_code == 201, response.body
    return response.json_body["id"]


# --- emergencies --------------------------------------------------------------------------------

def test_publishing_an_emergency_only_enqueues_its_id(client, outbox, sqs):
    build_commune()

    announcement_id = publish_emergency(client)

    assert sqs.on("noper-alerts") == [{"kind": "emergency", "announcement_id": announcement_id}]
    assert to(outbox, "anna@example.lu", "ben@example.lu", "carla@example.lu") == {
        "anna@example.lu": 0, "ben@example.lu": 0, "carla@example.lu": 0}


def test_approving_a_partners_emergency_only_enqueues_its_id(client, act_as, outbox, sqs):
    build_commune()
    made = client.post("/api/v1/publish/announcements", headers=as_link(link(publisher(kind="partner", name="CGDIS"))),
                       body=body(announcement(category="emergency", title="Storm"))).json_body
    assert made["status"] == "pending" and sqs.sent == []

    act_as(STAFF)
    approved = client.post(f"/api/v1/communes/{LAU2}/announcement-reviews/{made['id']}", headers=JSON,
                           body=body({"decision": "approve"}))

    assert approved.status_code == 200 and approved.json_body["status"] == "published"
    assert sqs.on("noper-alerts") == [{"kind": "emergency", "announcement_id": made["id"]}]
    assert mails_to(outbox, "anna@example.lu") == []


def test_the_handler_splits_a_commune_wide_emergency_into_one_message_per_neighbourhood(app, client, outbox, sqs):
    build_commune()
    announcement_id = publish_emergency(client)
    sqs.sent.clear()

    deliver(app, {"kind": "emergency", "announcement_id": announcement_id})

    assert sorted(sqs.on("noper-alerts"), key=lambda job: job["neighbourhood_id"]) == [
        {"kind": "emergency", "announcement_id": announcement_id, "neighbourhood_id": N1},
        {"kind": "emergency", "announcement_id": announcement_id, "neighbourhood_id": N2}]
    assert mails_to(outbox, "anna@example.lu") == []  # the split sends nothing itself


def test_an_emergency_for_one_neighbourhood_splits_into_that_one_only(app, client, sqs):
    build_commune()
    announcement_id = publish_emergency(client, {"kind": "neighbourhoods", "neighbourhoods": [N2]})
    sqs.sent.clear()

    deliver(app, {"kind": "emergency", "announcement_id": announcement_id})

    assert sqs.on("noper-alerts") == [{"kind": "emergency", "announcement_id": announcement_id, "neighbourhood_id": N2}]


def test_a_neighbourhood_message_delivered_twice_emails_each_resident_once(app, client, outbox, sqs):
    build_commune()
    announcement_id = publish_emergency(client)
    job = {"kind": "emergency", "announcement_id": announcement_id, "neighbourhood_id": N1}

    deliver(app, job)
    deliver(app, job)  # SQS delivers at least once

    # Anna and Ben live in N1; Carla (N2) waits for N2's message; Dani is pending
    assert to(outbox, "anna@example.lu", "ben@example.lu", "carla@example.lu", "dani@example.lu") == {
        "anna@example.lu": 1, "ben@example.lu": 1, "carla@example.lu": 0, "dani@example.lu": 0}
    assert mails_to(outbox, "anna@example.lu")[0]["Subject"] == "Emergency: Water cut"


def test_one_failed_send_fails_the_message_and_the_retry_sends_only_that_one(app, client, outbox, sqs, monkeypatch):
    build_commune()
    announcement_id = publish_emergency(client)
    job = {"kind": "emergency", "announcement_id": announcement_id, "neighbourhood_id": N1}
    real_send = mail.send

    def ses_refuses_anna(message):
        if message["To"] == "anna@example.lu":
            raise ConnectionError("SES is down for this one")
        return real_send(message)

    monkeypatch.setattr(mail, "send", ses_refuses_anna)
    with pytest.raises(AlertsIncomplete):
        deliver(app, job)  # Lambda reports the failure: SQS will deliver the message again
    assert to(outbox, "anna@example.lu", "ben@example.lu") == {"anna@example.lu": 0, "ben@example.lu": 1}
    slot = AlertCountItem.key("U-ANNA", "alert_emergency", luxembourg_day())
    assert AlertCountItem.get(*slot).count == 0  # the failed send gave its slot back

    monkeypatch.setattr(mail, "send", real_send)
    deliver(app, job)

    assert to(outbox, "anna@example.lu", "ben@example.lu") == {"anna@example.lu": 1, "ben@example.lu": 1}
    assert AlertCountItem.get(*slot).count == 1


def test_a_refused_enqueue_is_logged_and_the_announcement_still_published(client, outbox, sqs):
    build_commune()
    sqs.refuse = True

    response = client.post("/api/v1/publish/announcements", headers=as_link(link(publisher())),
                           body=body(announcement(category="emergency", title="Storm")))

    assert response.status_code == 201 and response.json_body["status"] == "published"
    assert sqs.sent == [] and mails_to(outbox, "anna@example.lu") == []


def sqs_is_down(*args, **kwargs):
    raise ConnectionError("SQS is down")


def test_a_refused_enqueue_is_counted_for_its_alarm_and_never_raises(monkeypatch):
    """Outside a request too (no middleware to flush): the count waits in `metrics` and nothing raises."""
    monkeypatch.setattr(queue, "enqueue", sqs_is_down)
    metrics.clear_metrics()

    alert_queue.emergency("A-1")
    alert_queue.lost_pet("P-1")

    assert metrics.metric_set[alert_queue.NOT_ENQUEUED_METRIC]["Value"] == [1.0, 1.0]
    metrics.clear_metrics()


def test_the_request_middleware_flushes_the_refused_enqueue_count(monkeypatch, capsys):
    """What the published metric looks like (chalice.test's client sets the test stage's
    POWERTOOLS_METRICS_DISABLED in each request, so the middleware is called here directly)."""
    from types import SimpleNamespace

    from chalice.app import Response

    from chalicelib.observability import observe_request

    def publish(event):
        alert_queue.emergency("A-1")
        return Response(body="", status_code=201)

    monkeypatch.setattr(queue, "enqueue", sqs_is_down)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    metrics.clear_metrics()
    capsys.readouterr()

    observe_request(SimpleNamespace(context={"requestId": "r-1"}, path="/api/v1/publish/announcements"), publish)

    (emf,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert emf[alert_queue.NOT_ENQUEUED_METRIC] == [1.0] and emf["service"] == "noper"
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Noper"
    assert not metrics.metric_set  # flushed


# --- lost pets ----------------------------------------------------------------------------------

def test_a_lost_pet_post_only_enqueues_its_id_and_the_handler_sends_per_neighbourhood(
        app, client, act_as, outbox, clervaux, sqs):
    south = make_resident("U-south", nbh=clervaux["south"])
    north = make_resident("U-north", nbh=clervaux["north"])
    village = make_resident("U-village", nbh=clervaux["village"])
    act_as(resident("U-owner", nbh=clervaux["south"]))

    post = written(client, {**LOST_CAT, "last_seen": NEAR_SOUTH}, nbh=clervaux["south"])

    assert sqs.on("noper-alerts") == [{"kind": "lost_pet", "post_id": post["id"]}]
    assert mails_to(outbox, south.email) == []

    # The handler splits it: the post's neighbourhood and each one within reach, not the village
    sqs.sent.clear()
    deliver(app, {"kind": "lost_pet", "post_id": post["id"]})
    jobs = sqs.on("noper-alerts")
    stored = PostItem.get(*PostItem.key(post["id"]))
    assert [job["neighbourhood_id"] for job in jobs] == [clervaux["south"], *stored.reach]
    assert clervaux["north"] in stored.reach and clervaux["village"] not in stored.reach
    assert all(job == {"kind": "lost_pet", "post_id": post["id"], "neighbourhood_id": job["neighbourhood_id"]}
               for job in jobs)
    assert mails_to(outbox, south.email) == []

    # Each neighbourhood's message, delivered twice, emails its residents once
    for job in jobs + jobs:
        deliver(app, job)
    assert (len(mails_to(outbox, south.email)), len(mails_to(outbox, north.email)),
            len(mails_to(outbox, village.email))) == (1, 1, 0)


def test_a_lost_pet_message_for_a_neighbourhood_out_of_reach_sends_nothing(app, client, act_as, outbox, clervaux, sqs):
    village = make_resident("U-village", nbh=clervaux["village"])
    act_as(resident("U-owner", nbh=clervaux["south"]))
    post = written(client, {**LOST_CAT, "last_seen": NEAR_SOUTH}, nbh=clervaux["south"])

    deliver(app, {"kind": "lost_pet", "post_id": post["id"], "neighbourhood_id": clervaux["village"]})

    assert mails_to(outbox, village.email) == []


# --- the adapter, shared with the digest ---------------------------------------------------------

def test_the_digest_enqueues_through_the_same_adapter_ten_messages_at_a_time(sqs):
    jobs = [{"neighbourhood_id": f"0501-n{n}", "lau2": "0501", "name": f"N{n}", "week": "2026-W48"} for n in range(23)]

    fanout.enqueue(jobs)

    assert sqs.on("noper-digest") == jobs and sqs.batches == [10, 10, 3]


def test_in_process_a_failed_job_is_logged_and_the_others_still_run():
    ran = []

    def run(job):
        ran.append(job["n"])
        if job["n"] == 1:
            raise RuntimeError("this one fails")

    assert queue.enqueue("noper-alerts", [{"n": 0}, {"n": 1}, {"n": 2}], run) == 3
    assert ran == [0, 1, 2]
