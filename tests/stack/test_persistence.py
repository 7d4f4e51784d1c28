"""`make run` keeps its data under .local/: what was written before a restart is there after it."""

import urllib.request

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


def _s3(endpoint):
    return botocore.session.get_session().create_client(
        "s3", region_name="eu-west-1", endpoint_url=endpoint, aws_access_key_id="local", aws_secret_access_key="local"
    )


def _post_upload(s3, bucket, key, data):
    """As the browser uploads a photo: a presigned POST, multipart form, straight to the emulated S3."""
    import uuid

    form = s3.generate_presigned_post(bucket, key, Fields={"Content-Type": "image/jpeg"},
                                      Conditions=[{"Content-Type": "image/jpeg"}], ExpiresIn=300)
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in form["fields"].items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cat.jpg"\r\n'
                 f"Content-Type: image/jpeg\r\n\r\n".encode() + data + f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(form["url"], data=b"".join(parts), method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request) as answer:
        assert answer.status in (200, 201, 204)


def test_uploads_survive_a_restart_of_the_emulated_s3(tmp_path):
    recording = tmp_path / "s3" / "changes.jsonl"
    photo = bytes(range(256)) * 64  # binary, as a photo is
    port = stack.free_port()
    services = stack.Services()
    try:
        # Given the emulated S3 of `make run` with a bucket, a processed photo, one uploaded by presigned POST
        # and one deleted again
        s3 = _s3(stack.start_moto(services, port, recording=recording))
        s3.create_bucket(Bucket="noper-local-uploads", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket="noper-local-uploads", Key="photos/P1/display.jpg", Body=photo, ContentType="image/jpeg")
        _post_upload(s3, "noper-local-uploads", "incoming/photos/n1/P2", photo[::-1])
        s3.put_object(Bucket="noper-local-uploads", Key="incoming/photos/n1/P3", Body=b"gone")
        s3.delete_object(Bucket="noper-local-uploads", Key="incoming/photos/n1/P3")
        for _ in range(5):  # reads change nothing and are not kept
            s3.list_objects_v2(Bucket="noper-local-uploads", Prefix="incoming/")
        lines = recording.read_text().splitlines()
        assert lines and not any('"method": "GET"' in line for line in lines)

        # When it stops and starts again with the same recording
        services.stop()
        s3 = _s3(stack.start_moto(services, port, recording=recording))

        # Then the files are there, byte for byte, and the deleted one is not
        kept = s3.get_object(Bucket="noper-local-uploads", Key="photos/P1/display.jpg")
        assert kept["Body"].read() == photo and kept["ContentType"] == "image/jpeg"
        posted = s3.get_object(Bucket="noper-local-uploads", Key="incoming/photos/n1/P2")
        assert posted["Body"].read() == photo[::-1]
        listed = s3.list_objects_v2(Bucket="noper-local-uploads")["Contents"]
        assert sorted(o["Key"] for o in listed) == ["incoming/photos/n1/P2", "photos/P1/display.jpg"]
        # And a replay is not recorded again: a third start finds the same
        assert recording.read_text().splitlines() == lines
        services.stop()
        s3 = _s3(stack.start_moto(services, port, recording=recording))
        assert s3.get_object(Bucket="noper-local-uploads", Key="photos/P1/display.jpg")["Body"].read() == photo
    finally:
        services.stop()
