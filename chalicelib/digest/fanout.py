"""The weekly run: one SQS message per published neighbourhood, so no invocation grows with a commune.

`scheduled` runs from the EventBridge schedule (app.py `digest_schedule`, 05:00 and 06:00 UTC on
Mondays) and goes on only in the run that is 07:00 in Luxembourg. It pages through the communes
(Query `gsi1pk=COMMUNES`) and each commune's published neighbourhoods (Query `pk=COMMUNE#<lau2>`,
`sk` begins with `NBH#`) and enqueues a job per neighbourhood; app.py `digest_neighbourhood`
(`@app.on_sqs_message`) runs each with `service.run_job`; `jobs.py` lists the neighbourhoods.

The queue is chalicelib/adapters/queue.py: in AWS, SQS (`QUEUE`, named in `jobs.py`, defined in
infra/template.py with its dead-letter queue); on the local and test stages, which have no SQS emulator,
the same job function runs in-process, as ops/local_events.py stands in for EventBridge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from chalicelib.adapters import queue
from chalicelib.digest.jobs import QUEUE, jobs_for
from chalicelib.digest.service import run_job
from chalicelib.digest.weeks import is_digest_time, week_before
from chalicelib.observability import logger


def scheduled(moment: datetime) -> int:
    """The schedule's entry: enqueue the week before's digests when it is Monday 07:00 in Luxembourg."""
    if not is_digest_time(moment):
        logger.info("digest schedule: not 07:00 in Luxembourg, the other run sends", at=moment.isoformat())
        return 0
    jobs = jobs_for(week_before(moment))
    enqueue(jobs)
    logger.info("digests enqueued", neighbourhoods=len(jobs), week=week_before(moment))
    return len(jobs)


def enqueue(jobs: list[dict[str, str]]) -> None:
    """One message per neighbourhood (in-process on the local and test stages, where a failed job is
    logged and the next run, or `./noper digest`, retries it)."""
    queue.enqueue(QUEUE, jobs, run_job)


def handle_message(body: str, time_left: Callable[[], float] | None = None) -> Any:
    """What app.py's SQS handler calls for each message (`time_left`: the Lambda's remaining seconds)."""
    return run_job(queue.job_of(body), time_left)
