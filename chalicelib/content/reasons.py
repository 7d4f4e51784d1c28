"""Why something is hidden, in the reader's language.

A hide stores a reason code from the fixed list (`moderation.models.HideReason`, plus "reported" for
an automatic hide) and an optional note. Every answer carries the code (`hidden_reason`), so the web
app may translate it itself, and `hidden_reason_text`, the sentence the server translated for the
language of the request (`Accept-Language`; French when none of lb, fr, de, en, pt is asked for).
Part of the content kernel, so that every kind of content (posts, comments, messages, items) shows it alike.
"""

from __future__ import annotations

from chalicelib.i18n import translate

AUTO_REASON = "reported"


def reason_text(code: str | None, language: str, note: str | None = None) -> str | None:
    """"Hidden by a moderator: harassment — <note>", or the automatic hide's sentence; None if not hidden."""
    if not code:
        return None
    if code == AUTO_REASON:
        return translate(language, "moderation.hidden_auto")
    try:
        reason = translate(language, f"moderation.reason.{code}")
    except KeyError:  # a code from before the list (free text): show it as written
        reason = code
    text = translate(language, "moderation.hidden", reason=reason)
    return f"{text} — {note}" if note else text
