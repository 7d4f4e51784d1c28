"""Is the API able to serve? It answers only after reaching the table."""

from __future__ import annotations

from typing import Literal

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.aws import client
from chalicelib.config import get_settings
from chalicelib.models import Model
from chalicelib.observability import logger


class Health(Model):
    status: Literal["ok", "unavailable"]
    stage: str
    version: str


def check_health() -> Health:
    settings = get_settings()
    try:
        client("dynamodb").get_item(
            TableName=settings.table_name, Key={"pk": {"S": "HEALTH"}, "sk": {"S": "HEALTH"}}, ProjectionExpression="pk"
        )
        status = "ok"
    except (BotoCoreError, ClientError) as error:
        logger.warning("table unreachable", error=str(error))
        status = "unavailable"
    return Health(status=status, stage=settings.stage, version=settings.version)
