"""`make run` keeps its data under .local/: what was written before a restart is there after it."""

import botocore.session

from ops import stack


def _client(endpoint):
    return botocore.session.get_session().create_client(
        "dynamodb", region_name="eu-west-1", endpoint_url=endpoint, aws_access_key_id="local", aws_secret_access_key="local"
    )


def test_data_survives_a_restart_of_dynamodb_local(tmp_path):
    from chalicelib.store.table import TABLE_DEFINITION

    port = stack.free_port()
    services = stack.Services()
    try:
        # Given a persistent DynamoDB Local with one item
        dynamodb = _client(stack.start_dynamodb(services, port, tmp_path / "db"))
        dynamodb.create_table(TableName="noper-local", **TABLE_DEFINITION)
        dynamodb.put_item(TableName="noper-local", Item={"pk": {"S": "COMMUNE#0501"}, "sk": {"S": "COMMUNE"}})
        # When it stops and starts again on the same folder
        services.stop()
        dynamodb = _client(stack.start_dynamodb(services, port, tmp_path / "db"))
        # Then the item is still there
        item = dynamodb.get_item(TableName="noper-local", Key={"pk": {"S": "COMMUNE#0501"}, "sk": {"S": "COMMUNE"}})
        assert "Item" in item
    finally:
        services.stop()
