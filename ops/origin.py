"""One origin, as CloudFront serves production: the built web app at `/`, the API at `/api/*`.

A small threaded server for the local stack only: static files from frontend/dist (index.html for
app routes, so deep links work) and every /api/ request passed on to `chalice local` with what
CloudFront adds in prod: the viewer's address and the origin secret that makes the API believe it.
"""

from __future__ import annotations

import gzip
import http.client
import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from chalicelib.config import ORIGIN_SECRET_HEADER
from chalicelib.web.gateway import gateway_error, in_error_shape

CLOUDFRONT_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}


def site_headers(uploads: str) -> dict[str, str]:
    """The headers the CloudFront response-headers policy sets in infra/; `uploads` is the origin
    the browser posts files to (S3, here moto server)."""
    return {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": f"default-src 'self'; connect-src 'self' {uploads}; "
        f"img-src 'self' data: https://tile.openstreetmap.org {uploads}; "  # photos: signed GETs, as infra/ allows
        "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    }


# What CloudFront compresses for the site's behaviour (infra/template.py: `Compress`, CachingOptimized):
# files from 1,000 bytes to 10 MB of the text types it lists, for a viewer that accepts gzip. (CloudFront
# prefers Brotli when the viewer accepts it; the standard library has gzip only.) The API's behaviour
# caches nothing, and CloudFront compresses only what its cache policy may cache: API answers go as they are.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


def compress(body: bytes, kind: str, accept_encoding: str | None) -> tuple[bytes, dict[str, str]]:
    """The body as CloudFront would send it, and the headers that say so."""
    accepted = {part.split(";")[0].strip().lower(): part for part in (accept_encoding or "").split(",")}
    wants_gzip = "gzip" in accepted and not accepted["gzip"].replace(" ", "").endswith(";q=0")
    if not wants_gzip or not 1_000 <= len(body) <= 10_000_000 or not kind.startswith(COMPRESSIBLE):
        return body, {"Vary": "Accept-Encoding"} if kind.startswith(COMPRESSIBLE) else {}
    return gzip.compress(body, compresslevel=6, mtime=0), {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}


def make_handler(site: Path, api: str, uploads: str, origin_secret: str):
    api_host = urlsplit(api)
    headers_for_site = site_headers(uploads)

    class Origin(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "noper-local"

        def log_message(self, format: str, *args) -> None:  # quiet: chalice local logs API calls
            pass

        def _api(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            replaced = {"cloudfront-viewer-address", ORIGIN_SECRET_HEADER.lower()}
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | replaced}
            # As CloudFront does: the viewer's address, which a client cannot set itself, and the origin
            # secret (infra/template.py's OriginCustomHeaders) without which the API ignores that address.
            headers["CloudFront-Viewer-Address"] = f"{self.client_address[0]}:{self.client_address[1]}"
            headers[ORIGIN_SECRET_HEADER] = origin_secret
            connection = http.client.HTTPConnection(api_host.hostname, api_host.port, timeout=60)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                payload = answer.read()
            except OSError:
                self._send(502, b'{"error": {"code": "api_down", "message": "The local API is not answering.", "fields": {}}}',
                           {"Content-Type": "application/json"})
                return
            finally:
                connection.close()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
            status = answer.status
            if in_error_shape(status, payload) is not None:
                # chalice local's own bodies in our error shape, as the app answers them in prod; its 403 for
                # an unknown route (a REST API's answer) is the 404 the HTTP API's catch-all brings in prod
                status = 404 if status == 403 else status
                kept = [(k, v) for k, v in kept if k.lower() != "content-type"] + [("Content-Type", "application/json")]
                payload = in_error_shape(status, payload)
            self._send(status, payload, kept)

        def _static(self) -> None:
            path = urlsplit(self.path).path
            target = (site / path.lstrip("/")).resolve()
            if site.resolve() not in target.parents and target != site.resolve():
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                if "." in path.rsplit("/", 1)[-1]:  # a missing asset, not an app route
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                target = site / "index.html"
            if not target.is_file():
                self._send(503, b"The web app is not built: run make frontend.", {"Content-Type": "text/plain"})
                return
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            cache = "public, max-age=31536000, immutable" if "/assets/" in path else "no-cache"
            body, encoding = compress(target.read_bytes(), kind, self.headers.get("Accept-Encoding"))
            self._send(200, body, {"Content-Type": kind, "Cache-Control": cache, **encoding, **headers_for_site})

        def _send(self, status: int, body: bytes, headers) -> None:
            self.send_response(status)
            for name, value in (headers.items() if isinstance(headers, dict) else headers):
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _route(self) -> None:
            try:
                if self.command not in CLOUDFRONT_METHODS:  # CloudFront passes no other method (TRACE, QUERY...)
                    self._drain()
                    self._send(405, json.dumps(gateway_error(405)).encode(),
                               {"Content-Type": "application/json", "Allow": ", ".join(CLOUDFRONT_METHODS)})
                elif self.path.startswith("/api/"):
                    self._api()
                elif self.command in ("GET", "HEAD"):
                    self._static()
                else:
                    self._drain()
                    self._send(405, b"", {"Allow": "GET, HEAD"})
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the browser went away (a cancelled fetch)

        def _drain(self) -> None:
            """Read the body of a request answered without it, so the next request on the connection starts clean."""
            self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def __getattr__(self, name: str):
            if name.startswith("do_"):  # every method, known or not, gets an answer in the API's shape
                return self._route
            raise AttributeError(name)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route

    return Origin


class OriginServer(ThreadingHTTPServer):
    # socketserver's listen backlog of 5 refuses connections when a page's requests arrive at once.
    request_queue_size = 128


def serve(port: int, site: Path, api: str, uploads: str, origin_secret: str,
          host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Start serving in a background thread; call .shutdown() to stop. `origin_secret` is the stage's
    NOPER_ORIGIN_SECRET, as CloudFront holds prod's."""
    server = OriginServer((host, port), make_handler(site, api, uploads, origin_secret))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="origin", daemon=True).start()
    return server
