import json

import botocore.session
from botocore.config import Config

from ops.stack import free_port


def test_health_answers_ok_with_stage_and_version(client):
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "stage": "test", "version": "0.1.0"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_answers_503_when_the_table_is_unreachable(client, monkeypatch):
    # Given a DynamoDB endpoint where nothing listens
    unreachable = botocore.session.get_session().create_client(
        "dynamodb", region_name="eu-west-1", endpoint_url=f"http://127.0.0.1:{free_port()}",
        config=Config(connect_timeout=0.5, retries={"max_attempts": 1}),
    )
    monkeypatch.setattr("chalicelib.health.client", lambda service: unreachable)

    response = client.get("/api/v1/health")

    assert response.status_code == 503
    assert json.loads(response.body)["status"] == "unavailable"
    assert int(response.headers["Retry-After"]) >= 1
