"""Settings: one validated model, read once from the environment.

`.chalice/config.json` fills the environment per stage; the local runner and the tests add the
endpoints of the emulators they started.
"""

from __future__ import annotations

import functools
import os
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib import __version__

Stage = Literal["local", "test", "prod"]


class Settings(BaseModel, frozen=True):
    stage: Stage = "local"
    version: str = __version__
    region: str = "eu-west-1"
    table_name: str = "noper-local"
    # Endpoints of the emulators (DynamoDB Local, moto server); None means the real AWS service.
    dynamodb_endpoint: str | None = None
    aws_endpoint: str | None = None
    uploads_bucket: str = "noper-local-uploads"
    mail_sender: str = "noper@localhost"
    # Local stage: every email is also written here as an .eml file.
    outbox_dir: str | None = None
    # Seconds a DynamoDB call may wait: an API answer should never hang on the database.
    db_timeout: float = Field(default=3.0, gt=0)

    @property
    def is_local(self) -> bool:
        return self.stage == "local"


_ENV = {
    "stage": "NOPER_STAGE",
    "region": "AWS_DEFAULT_REGION",
    "table_name": "NOPER_TABLE",
    "dynamodb_endpoint": "NOPER_DYNAMODB_ENDPOINT",
    "aws_endpoint": "NOPER_AWS_ENDPOINT",
    "uploads_bucket": "NOPER_UPLOADS_BUCKET",
    "mail_sender": "NOPER_MAIL_SENDER",
    "outbox_dir": "NOPER_OUTBOX_DIR",
}


@functools.cache
def get_settings() -> Settings:
    values = {field: os.environ[var] for field, var in _ENV.items() if os.environ.get(var)}
    settings = Settings(**values)
    if settings.stage == "prod" and (settings.dynamodb_endpoint or settings.outbox_dir):
        raise ValueError("the prod stage talks to AWS itself: no emulator endpoint, no outbox")
    return settings
