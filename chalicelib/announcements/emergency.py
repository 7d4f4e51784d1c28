"""Emergency announcements are emailed at once to every verified resident they target.

`send_emergency` finds the residents (verified, in each targeted neighbourhood; every published
neighbourhood for the whole commune) and hands each to `chalicelib.notifications.alerts.
send_emergency_alert`, the one sending path for urgent alerts. That is also the filter point: it
sends only if the resident wants the topic (`settings.wants_for(user, "alert_emergency")`), under a
daily cap per kind of alert, and exactly once per (announcement, resident): a conditional marker
`ALERT#emergency#<announcement_id>#<user_id>` is written before the email goes out (and removed if
sending fails, so a retry sends it). Running `send_emergency` twice therefore sends nothing twice.

It never runs inside the publisher's request: publishing (at once, or on approval) enqueues one job
naming the announcement (chalicelib/notifications/alert_queue.py, queue `noper-alerts`); its SQS
handler splits it into one job per targeted neighbourhood (`target_neighbourhoods`), and each of those
runs `send_emergency(announcement_id, neighbourhood_id)`, so no invocation grows with the commune. On
the local stage the jobs run in-process at once. A failed send for one resident does not stop the
others; the job then raises (`alerts.AlertsIncomplete`) and SQS delivers it again.
"""

from __future__ import annotations

import json
from typing import Iterator

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.models import UserItem
from chalicelib.announcements.models import AnnouncementItem, link_path
from chalicelib.languages import LANGUAGES
from chalicelib.observability import logger


def target_neighbourhoods(item: AnnouncementItem) -> list[str]:
    """The targeted neighbourhoods: the chosen ones, or every published one for the whole commune."""
    if item.neighbourhoods is None:
        from chalicelib.neighbourhoods.service import list_published

        return [n.id for n in list_published(item.lau2).neighbourhoods]
    return list(item.neighbourhoods)


def targeted_residents(item: AnnouncementItem, neighbourhoods: list[str] | None = None) -> Iterator[UserItem]:
    """Verified residents of the targeted neighbourhoods (or of those of `neighbourhoods` it targets):
    one Query per neighbourhood on gsi1 `NBH#<id>#RESIDENTS`. For the whole commune, a given neighbourhood
    is not looked up among the published ones again: each resident found is checked to live in the commune."""
    if neighbourhoods is None:
        chosen = target_neighbourhoods(item)
    elif item.neighbourhoods is None:
        chosen = neighbourhoods
    else:
        chosen = [n for n in neighbourhoods if n in item.neighbourhoods]
    for neighbourhood_id in chosen:
        for user in UserItem.by_neighbourhood.query(f"NBH#{neighbourhood_id}#RESIDENTS",
                                                    UserItem.gsi1sk.startswith("verified#")):
            if user.lau2 == item.lau2 and user.residence_status == "verified":
                yield user


def emergency(announcement_id: str) -> AnnouncementItem | None:
    """The announcement, if it is a published emergency; else None."""
    try:
        item = AnnouncementItem.get(*AnnouncementItem.key(announcement_id))
    except DoesNotExist:
        return None
    return item if item.category == "emergency" and item.status == "published" else None


def emergency_neighbourhoods(announcement_id: str) -> list[str]:
    """Where a published emergency's emails go (none for anything else): the queue's split."""
    item = emergency(announcement_id)
    return [] if item is None else target_neighbourhoods(item)


def send_emergency(announcement_id: str, neighbourhood_id: str | None = None) -> int:
    """Email a published emergency announcement to its residents (of one targeted neighbourhood, or all);
    returns how many emails this run sent. Raises `AlertsIncomplete` after the others if a send failed."""
    from chalicelib.notifications.alerts import send_each, send_emergency_alert
    from chalicelib.web.site import site

    item = emergency(announcement_id)
    if item is None:
        return 0
    sources = json.loads(item.sources)
    card = json.loads(item.card)
    url = f"{site()}{link_path(announcement_id)}"

    def send(user: UserItem) -> bool:
        # Their language if the announcement has that version, else the commune's languages in order.
        language = next((lang for lang in [*(user.languages or []), *card["fallback"]] if lang in sources),
                        next(iter(sources)))
        version = sources[language]
        return send_emergency_alert(user, announcement_id, language=language if language in LANGUAGES else "fr",
                                    title=version["title"], body=version["body"], commune=card["publisher_name"],
                                    url=url)

    residents = targeted_residents(item, None if neighbourhood_id is None else [neighbourhood_id])
    sent = send_each(residents, send, f"emergency {announcement_id}")
    logger.info("emergency announcement emailed", announcement_id=announcement_id, nbh=neighbourhood_id, sent=sent)
    return sent
