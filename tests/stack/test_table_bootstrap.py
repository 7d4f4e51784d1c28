from chalicelib.adapters.aws import client
from chalicelib.store.bootstrap import ensure_table
from chalicelib.store.table import TABLE_DEFINITION


def test_ensure_table_creates_once_then_changes_nothing():
    assert ensure_table("noper-bootstrap-a") == "created"
    assert ensure_table("noper-bootstrap-a") == "unchanged"
    table = client("dynamodb").describe_table(TableName="noper-bootstrap-a")["Table"]
    assert table["KeySchema"] == TABLE_DEFINITION["KeySchema"]
    ttl = client("dynamodb").describe_time_to_live(TableName="noper-bootstrap-a")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "ttl"


def test_ensure_table_adds_a_missing_index_to_an_older_table():
    dynamodb = client("dynamodb")
    older = {key: value for key, value in TABLE_DEFINITION.items() if key != "GlobalSecondaryIndexes"}
    older["AttributeDefinitions"] = [a for a in older["AttributeDefinitions"] if a["AttributeName"] in ("pk", "sk")]
    dynamodb.create_table(TableName="noper-bootstrap-b", **older)

    assert ensure_table("noper-bootstrap-b") == "updated"
    indexes = dynamodb.describe_table(TableName="noper-bootstrap-b")["Table"]["GlobalSecondaryIndexes"]
    assert [index["IndexName"] for index in indexes] == ["gsi1"]
