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
    # What CloudFront (ops/origin.py locally) adds to every API request as `X-Noper-Origin-Secret`: only
    # with it is the CloudFront-Viewer-Address header believed (chalicelib/web/api.py, client_ip). The
    # previous secret is also accepted while a rotation reaches every edge (docs/deployment.md).
    origin_secret: str = Field(default="", repr=False)
    origin_secret_previous: str = Field(default="", repr=False)
    # DynamoDB's budget (chalicelib/adapters/aws.py, dynamodb_config): an API answer never hangs on the
    # database; when it is away, the API answers 503 with Retry-After within about 2 s. DynamoDB answers in
    # milliseconds, so the read timeout (seconds per attempt) only cuts off an outage.
    db_timeout: float = Field(default=0.8, gt=0)
    db_connect_timeout: float = Field(default=0.5, gt=0)
    db_attempts: int = Field(default=2, ge=1, le=5)  # attempts per call, the first included
    # Sign-in codes one address may ask for in 10 minutes (each is an email: the limit keeps Noper from being
    # used to mail strangers). Raise it for a launch evening on one wifi; the stack tests, all from
    # 127.0.0.1, raise it (tests/stack/conftest.py).
    codes_per_ip: int = Field(default=20, ge=1)

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
    "origin_secret": "NOPER_ORIGIN_SECRET",
    "origin_secret_previous": "NOPER_ORIGIN_SECRET_PREVIOUS",
    "db_timeout": "NOPER_DB_TIMEOUT",
    "db_attempts": "NOPER_DB_ATTEMPTS",
    "codes_per_ip": "NOPER_CODES_PER_IP",
}
# A fixed key is fine where nothing real is protected; prod must be given its own.
_DEV_SECRET = "noper-local-development-key-not-for-production"
# The origin secret of the local and test stages, which ops/origin.py (the local CloudFront) sends.
DEV_ORIGIN_SECRET = "noper-local-origin-secret-not-for-production"
# The header CloudFront (infra/template.py) and ops/origin.py carry it in. Here, not in chalicelib/web/,
# so that the local origin and the template read it without importing the app.
ORIGIN_SECRET_HEADER = "X-Noper-Origin-Secret"


@functools.cache
def get_settings() -> Settings:
    values = {field: os.environ[var] for field, var in _ENV.items() if os.environ.get(var)}
    if not values.get("secret_key") and values.get("stage", "local") in ("local", "test"):
        values["secret_key"] = _DEV_SECRET
    if not values.get("origin_secret") and values.get("stage", "local") in ("local", "test"):
        values["origin_secret"] = DEV_ORIGIN_SECRET
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


def origin_secrets() -> tuple[str, ...]:
    """The secrets that prove a request came through CloudFront (the current one, and the previous one
    during a rotation). Asked for when used, like the signing key; prod refuses to run without one."""
    settings = get_settings()
    secrets = tuple(s for s in (settings.origin_secret, settings.origin_secret_previous) if s)
    if settings.stage == "prod" and (len(settings.origin_secret) < 32 or DEV_ORIGIN_SECRET in secrets):
        raise ValueError("NOPER_ORIGIN_SECRET must be set: at least 32 random characters (docs/deployment.md)")
    return secrets
