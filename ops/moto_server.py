"""moto server for `make run`, keeping its S3 data across restarts like DynamoDB Local's `-dbPath`.

moto keeps S3 in memory; its own recorder (MOTO_ENABLE_RECORDING, MOTO_RECORDER_FILEPATH) appends each
request to a file and replays the file on demand (`/moto-api/recorder/replay-recording`). This starts moto
server with the recorder on, writing only the requests that change something: reads (GET, HEAD, OPTIONS:
the local EventBridge stand-in lists the bucket every second, the web app reads photos) would grow the file
and replay to nothing. `ops.stack.start_moto(..., recording=...)` replays the file once the server answers.

`python -m ops.moto_server -H 127.0.0.1 -p PORT` (moto server's own arguments).
"""

from __future__ import annotations

import sys
from typing import Any

READS = frozenset({"GET", "HEAD", "OPTIONS"})


def record_only_writes() -> None:
    from moto.moto_api._internal.recorder.models import Recorder

    record = Recorder._record_request

    def _record_request(self: Recorder, request: Any, body: bytes | None = None) -> None:
        if request.method not in READS:
            record(self, request, body)

    Recorder._record_request = _record_request  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    from moto.server import main as moto_main

    record_only_writes()
    moto_main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
