"""The announcements' Markdown subset, rendered and then sanitised.

markdown-it-py renders paragraphs, line breaks, *emphasis*, **strong**, [links](…) and lists,
with raw HTML off; nh3 (the Ammonia sanitiser) then keeps only those tags, only http(s) and
mailto links, and adds rel="noopener noreferrer nofollow". Sanitising after rendering means a
renderer bug cannot let markup through. Both load on the first rendering, not on the API's import.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li"}
ATTRIBUTES = {"a": {"href"}}
SCHEMES = {"http", "https", "mailto"}


@functools.cache
def _renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("zero", {"breaks": True, "html": False}).enable(["emphasis", "link", "list", "newline"])


def to_html(markdown: str) -> str:
    import nh3

    rendered = _renderer().render(markdown)
    return nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="noopener noreferrer nofollow").strip()
