"""The content kernel: what every piece of neighbourhood content has, whatever its kind.

A post, a comment, a message, a lent item (and, later, an event or a budget proposal) each has an id, a
neighbourhood, an author, and a visibility (hidden by a moderator) and state (deleted). Each kind
registers itself here (`kinds.register(ContentKind(...))`, from its own package), and what attaches to
content of any kind works through the registry by the kind's name, never by importing the kind's module:
comments and thanks (`chalicelib/comments/`), reports, the moderation queue, hiding and restoring and
the audit log (`chalicelib/moderation/`), the weekly counters (`counters.py`). `hiding.py` holds the
hidden_* attributes every hideable stored item carries and how they show. docs/architecture.md has
the recipe for a new kind.
"""
