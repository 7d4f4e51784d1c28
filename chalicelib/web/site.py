"""Where the web app lives (for links printed on paper) and what a request accepts."""

from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings
from chalicelib.errors import InvalidInput

LOCAL_SITE = "http://localhost:8080"


def site_url(request: Any) -> str:
    """NOPER_SITE_URL when set; else the web app's origin, which a browser sends with every POST
    (the site and the API share it); else the local origin of `make run`."""
    configured = get_settings().site_url
    if configured:
        return configured.rstrip("/")
    origin = (request.headers.get("origin") or "").rstrip("/")
    if origin.startswith(("https://", "http://localhost", "http://127.0.0.1")):
        return origin
    return LOCAL_SITE


def require_accept(request: Any, media_type: str) -> None:
    """Binary answers need the request to accept them (API Gateway converts only then): say so in JSON."""
    accept = request.headers.get("accept") or ""
    if media_type not in accept.lower():
        raise InvalidInput(f"This answer is {media_type}: send `Accept: {media_type}`.", {"Accept": f"must include {media_type}"})
