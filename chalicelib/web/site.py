"""Where the web app lives (for links in emails and on paper) and what a request accepts."""

from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings
from chalicelib.errors import InvalidInput

LOCAL_SITE = "http://localhost:8080"


def site() -> str:
    """The web app's origin for links made where no browser asks (emails, paper digests, links issued
    from the command line): NOPER_SITE_URL. Only the local and test stages fall back to the origin of
    `make run`; prod refuses rather than email residents links to localhost (the template's `SiteUrl`
    parameter sets it, docs/deployment.md)."""
    settings = get_settings()
    if settings.site_url:
        return settings.site_url.rstrip("/")
    if settings.stage in ("local", "test"):
        return LOCAL_SITE
    raise ValueError("NOPER_SITE_URL must be set: the https:// origin residents open (docs/deployment.md)")


def site_url(request: Any) -> str:
    """For a browser's request: NOPER_SITE_URL when set; else the web app's origin, which a browser
    sends with every POST (the site and the API share it); else the local origin of `make run`."""
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
