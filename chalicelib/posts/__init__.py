"""Posts of every kind and the neighbourhood feed (issue 5, "Neighbourhood life").

Importing the package registers the kind of content "post" (`hiding.py`), whoever imports it: the API,
`./noper`, a bench.
"""

from chalicelib.posts import hiding as _hiding  # noqa: E402,F401  registers the kind "post"
