"""The weekly run: one SQS message per published neighbourhood, so no invocation grows with a commune.

`scheduled` runs from the EventBridge schedule (app.py `digest_schedule`, 05:00 and 06:00 UTC on
Mondays) and goes on only in the run that is 07:00 in Luxembourg. It pages through the communes
(Query `gsi1pk=COMMUNES`) and each commune's published neighbourhoods (Query `pk=COMMUNE#<lau2>`,
`sk` begins with `NBH#`) and enqueues a job per neighbourhood; app.py `digest_neighbourhood`
(`@app.on_sqs_message`) runs each with `service.run_job`.

The queue is chalicelib/adapters/queue.py: in AWS, SQS (`QUEUE`, defined in infra/template.py with
its dead-letter queue); on the local and test stages, which have no SQS emulator, the same job
function runs in-process, as ops/local_events.py stands in for EventBridge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from chalicelib.adapters import queue
from chalicelib.communes.models import CommuneItem
from chalicelib.digest.weeks import is_digest_time, week_before
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.observability import logger

# Chalice needs the queue's name when it packages the app; infra/template.py creates it by this name.
QUEUE = "noper-digest"


def published_neighbourhoods(lau2: str | None = None) -> Iterator[dict[str, str]]:
    """Every published neighbourhood (of one commune, or all): id, lau2, name."""
    communes = [lau2] if lau2 else [c.lau2 for c in CommuneItem.by_name.query(CommuneItem.LIST_KEY,
                                                                             attributes_to_get=["lau2"])]
    for each in communes:
        for item in NeighbourhoodItem.query(f"COMMUNE#{each}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX),
                                            attributes_to_get=["id", "lau2", "name"]):
            yield {"neighbourhood_id": item.id, "lau2": item.lau2, "name": item.name}


def jobs_for(week: str, lau2: str | None = None, neighbourhood_id: str | None = None) -> list[dict[str, str]]:
    return [{**nbh, "week": week} for nbh in published_neighbourhoods(lau2)
            if neighbourhood_id is None or nbh["neighbourhood_id"] == neighbourhood_id]


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


def handle_message(body: str) -> Any:
    """What app.py's SQS handler calls for each message."""
    return run_job(queue.job_of(body))


def run_job(job: dict[str, Any]) -> Any:
    from chalicelib.digest.service import run_job as run

    return run(job)
