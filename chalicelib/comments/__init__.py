"""Comments on posts and thanks.

Importing the package registers the kind of content "comment" (`service.py`), whoever imports it.
"""

from chalicelib.comments import service as _service  # noqa: E402,F401  registers the kind "comment"
