"""The local stand-in for EventBridge's S3 "Object Created" events.

moto server emits no EventBridge events, so `make run` (ops/run.py) starts `LocalEvents`: a thread
that lists new objects under `incoming/` in the local uploads bucket every second and calls the
app's own `@app.on_cw_event` handlers whose pattern matches, with the event EventBridge would
send. The handlers are therefore the same code in AWS, in `make run` and in the tests
(`LocalEvents(app).poll_once()`).
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone
from typing import Any

PREFIX = "incoming/"


def object_created_event(bucket: str, key: str, size: int) -> dict[str, Any]:
    """An EventBridge event as S3 sends it (detail-type "Object Created")."""
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Object Created", "source": "aws.s3",
        "account": "000000000000", "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "eu-west-1", "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0", "bucket": {"name": bucket},
            "object": {"key": key, "size": size, "etag": "", "sequencer": "0"},
            "request-id": "local", "requester": "local", "reason": "PostObject",
        },
    }


def matches(pattern: Any, event: Any) -> bool:
    """EventBridge pattern matching, as far as Noper's patterns need it: exact values and prefixes."""
    if isinstance(pattern, dict):
        return isinstance(event, dict) and all(name in event and matches(inner, event[name]) for name, inner in pattern.items())
    return any(
        (isinstance(option, dict) and isinstance(event, str) and event.startswith(option.get("prefix", "\0")))
        or option == event
        for option in pattern
    )


def dispatch(app: Any, event: dict[str, Any]) -> int:
    """Call every cw-event handler of the app whose pattern matches; returns how many ran."""
    from chalice.app import CloudWatchEventConfig

    ran = 0
    for source in app.event_sources:
        if isinstance(source, CloudWatchEventConfig) and matches(source.event_pattern, event):
            app.handler_map[source.name](event, None)
            ran += 1
    return ran


class LocalEvents(threading.Thread):
    def __init__(self, app: Any, interval: float = 1.0, stopping: threading.Event | None = None) -> None:
        super().__init__(name="local-events", daemon=True)
        self.app = app
        self.interval = interval
        self.seen: set[tuple[str, str]] = set()  # (key, etag): an object uploaded again is a new event
        self.stopping = stopping or threading.Event()  # the stack's own (ops/run.py): Ctrl-C stops S3 and this at once

    def poll_once(self) -> int:
        """Dispatch one event per new object under incoming/; returns how many objects were new."""
        from chalicelib.adapters.aws import client
        from chalicelib.config import get_settings

        bucket = get_settings().uploads_bucket
        new = 0
        for page in client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX):
            for obj in page.get("Contents", []):
                if (obj["Key"], obj["ETag"]) in self.seen:
                    continue
                self.seen.add((obj["Key"], obj["ETag"]))
                new += 1
                dispatch(self.app, object_created_event(bucket, obj["Key"], obj["Size"]))
        return new

    def run(self) -> None:
        from chalicelib.observability import logger

        while not self.stopping.wait(self.interval):
            try:
                self.poll_once()
            except Exception:  # keep polling: one bad upload must not stop the local stack's events
                if self.stopping.is_set():  # the stack is stopping: S3's emulator may be gone already
                    return
                logger.exception("local event failed")

    def stop(self) -> None:
        self.stopping.set()


def main() -> None:
    """`python -m ops.local_events`: the stand-in for EventBridge on its own, for a stack started
    without ops/run.py (tests/stack): the uploads bucket made if missing, then polling until stopped."""
    from ops import stack

    stack.provision()
    from app import app

    LocalEvents(app).run()


if __name__ == "__main__":
    main()
