"""The local origin compresses the site's files as CloudFront does (ops/origin.py), checked over HTTP."""

import gzip
import http.client

import pytest

from ops import stack
from ops.origin import serve


@pytest.fixture
def origin(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log('moien');\n" * 200)
    (tmp_path / "assets" / "tiny.js").write_text("1;")
    (tmp_path / "assets" / "photo.png").write_bytes(b"\x89PNG" + b"\0" * 5000)
    (tmp_path / "index.html").write_text("<!doctype html><title>Noper</title>" + "<!-- -->" * 200)
    server = serve(stack.free_port(), tmp_path, "http://127.0.0.1:9", uploads="http://127.0.0.1:9", origin_secret="s")
    yield server.server_address[1]
    server.shutdown()


def get(port: int, path: str, accept: str | None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": accept} if accept else {})
    answer = connection.getresponse()
    answer.body = answer.read()
    connection.close()
    return answer


def test_text_files_go_gzipped_to_a_browser_that_accepts_it(origin):
    answer = get(origin, "/assets/app.js", "gzip, deflate, br")
    assert answer.getheader("Content-Encoding") == "gzip" and answer.getheader("Vary") == "Accept-Encoding"
    assert gzip.decompress(answer.body) == ("console.log('moien');\n" * 200).encode()
    assert int(answer.getheader("Content-Length")) == len(answer.body) < 400
    assert get(origin, "/some/app/route", "gzip").getheader("Content-Encoding") == "gzip"  # index.html


@pytest.mark.parametrize(("path", "accept"), [
    ("/assets/app.js", None), ("/assets/app.js", "gzip;q=0, br"), ("/assets/tiny.js", "gzip"),
    ("/assets/photo.png", "gzip"),
])
def test_what_cloudfront_leaves_as_it_is(origin, path, accept):
    answer = get(origin, path, accept)
    assert answer.status == 200 and answer.getheader("Content-Encoding") is None
