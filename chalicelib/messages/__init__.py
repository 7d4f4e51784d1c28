"""Private messages between verified residents of the same neighbourhood.

Importing the package registers the kind of content "message" (`service.py`), whoever imports it.
"""

from chalicelib.messages import service as _service  # noqa: E402,F401  registers the kind "message"
