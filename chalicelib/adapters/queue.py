"""Background jobs through SQS: one small JSON message per job, read by an `@app.on_sqs_message` handler.

In AWS, `enqueue` sends the jobs to the named queue (SendMessageBatch, ten at a time; the queues and
their dead-letter queues are defined in infra/template.py, each function's permissions in infra/policies.py).
On the local and test stages, which have no SQS emulator, the same job function runs in-process at
once — as ops/local_events.py stands in for EventBridge — so `make run` and the tests see its effects
(emails in .local/outbox) straight away. Each job goes through JSON there too, so a job that SQS
could not carry fails locally as well.

SQS retries a message whose handler raised and then parks it in the dead-letter queue; in-process, a
failed job is logged and the others still run (a rerun, or the next event, retries it). Jobs must
therefore be idempotent: the handlers write a conditional marker before each email.

Used by the weekly digest (chalicelib/digest/fanout.py, queue `noper-digest`) and the urgent alerts
(chalicelib/notifications/alert_queue.py, queue `noper-alerts`).
"""

from __future__ import annotations

import functools
import importlib
import json
from typing import Any, Callable, Iterable

from chalicelib.config import get_settings
from chalicelib.observability import logger

SQS_BATCH = 10  # SendMessageBatch's maximum

Job = dict[str, Any]


def in_process() -> bool:
    """No SQS on the local and test stages: jobs run at once in this process."""
    return get_settings().stage in ("local", "test")


def enqueue(queue: str, jobs: Iterable[Job], run: Callable[[Job], Any] | str) -> int:
    """Send each job to `queue` (in AWS), or run it with `run` now (local and test stages). Returns how
    many jobs were enqueued. Raises if SQS refused any of them (the caller decides what that costs).
    `run` may be named, `"package.module:function"`, when the reader sits above the caller's layer
    (chalicelib/alerts.py): it is imported only to run a job in-process."""
    bodies = [json.dumps(job, separators=(",", ":"), sort_keys=True) for job in jobs]
    if in_process():
        if isinstance(run, str):
            module, _, function = run.partition(":")
            run = getattr(importlib.import_module(module), function)
        for body in bodies:
            try:
                run(json.loads(body))
            except Exception:  # noqa: BLE001 — as SQS would: this job fails, the others still run
                logger.exception("local queue job failed", queue=queue, job=body)
        return len(bodies)
    sqs_client = sqs()
    for start in range(0, len(bodies), SQS_BATCH):
        entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies[start:start + SQS_BATCH])]
        answer = sqs_client.send_message_batch(QueueUrl=queue_url(queue), Entries=entries)
        if answer.get("Failed"):
            raise RuntimeError(f"SQS refused {len(answer['Failed'])} jobs for {queue}: {answer['Failed'][0]}")
    return len(bodies)


def job_of(body: str) -> Job:
    """A message body as the handler's job."""
    return json.loads(body)


def sqs():
    from chalicelib.adapters.aws import client

    return client("sqs")


@functools.cache
def queue_url(name: str) -> str:
    return sqs().get_queue_url(QueueName=name)["QueueUrl"]
