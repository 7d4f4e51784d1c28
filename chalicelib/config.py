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
    # The web app's origin, for links printed on letters; unset: the origin the browser sends.
    site_url: str | None = None
    # Key for HMACs (sign-in codes, session tokens, signed links). Only local and test have a default.
    secret_key: str = Field(default="", repr=False)
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
    "site_url": "NOPER_SITE_URL",
    "secret_key": "NOPER_SECRET_KEY",
}
# A fixed key is fine where nothing real is protected; prod must be given its own.
_DEV_SECRET = "noper-local-development-key-not-for-production"


@functools.cache
def get_settings() -> Settings:
    values = {field: os.environ[var] for field, var in _ENV.items() if os.environ.get(var)}
    if not values.get("secret_key") and values.get("stage", "local") in ("local", "test"):
        values["secret_key"] = _DEV_SECRET
    settings = Settings(**values)
    if settings.stage == "prod" and (settings.dynamodb_endpoint or settings.outbox_dir):
        raise ValueError("the prod stage talks to AWS itself: no emulator endpoint, no outbox")
    return settings


def signing_key() -> bytes:
    """The HMAC key. Asked for when used, not at import, so packaging needs no secret."""
    key = get_settings().secret_key
    if len(key) < 32 or (key == _DEV_SECRET and get_settings().stage == "prod"):
        raise ValueError("NOPER_SECRET_KEY must be set: at least 32 random characters")
    return key.encode()
