"""One cached botocore client per AWS service, created lazily and reused while the Lambda is warm.

botocore alone (no boto3) keeps cold starts short; presigned URLs and POSTs are botocore's too.
"""

from __future__ import annotations

import functools

import botocore.session
from botocore.config import Config

from chalicelib.config import get_settings


@functools.cache
def client(service: str):
    settings = get_settings()
    endpoint = settings.dynamodb_endpoint if service == "dynamodb" else settings.aws_endpoint
    return botocore.session.get_session().create_client(
        service,
        region_name=settings.region,
        endpoint_url=endpoint,
        config=Config(
            connect_timeout=2,
            read_timeout=settings.db_timeout if service == "dynamodb" else 10,
            retries={"max_attempts": 3, "mode": "standard"},
            signature_version="s3v4" if service == "s3" else None,
        ),
    )
