"""Domain errors. Domain code raises these; chalicelib.web.api turns them into HTTP once."""

from __future__ import annotations


class NoperError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


class InvalidInput(NoperError):
    status, code = 400, "invalid_input"


class NotSignedIn(NoperError):
    status, code = 401, "not_signed_in"


class Forbidden(NoperError):
    status, code = 403, "forbidden"


class NotFound(NoperError):
    status, code = 404, "not_found"


class Conflict(NoperError):
    status, code = 409, "conflict"


class Refused(Conflict):
    """A 409 whose machine code says why, for a screen to explain (`shift_full`, `shift_clash`...)."""

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message, fields)
        self.code = code


class TooLarge(NoperError):
    status, code = 413, "too_large"


class UnsupportedMediaType(NoperError):
    status, code = 415, "unsupported_media_type"


class RateLimited(NoperError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class Internal(NoperError):
    status, code = 500, "internal"


class Unavailable(NoperError):
    status, code = 503, "unavailable"


class ServiceUnavailable(Unavailable):
    """The database (or another AWS service) is unreachable, too slow or throttling: ask again shortly."""

    code = "service_unavailable"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, headers={"Retry-After": str(retry_after)})
