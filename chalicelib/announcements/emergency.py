"""Emergency announcements are emailed at once to every verified resident they target.

`send_emergency` finds the residents (verified, in each targeted neighbourhood; every published
neighbourhood for the whole commune) and hands each to `chalicelib.notifications.alerts.
send_emergency_alert`, the one sending path for urgent alerts. That is also the filter point: it
sends only if the resident wants the topic (`settings.wants_for(user, "alert_emergency")`), under a
daily cap per kind of alert, and exactly once per (announcement, resident): a conditional marker
`ALERT#emergency#<announcement_id>#<user_id>` is written before the email goes out (and removed if
sending fails, so a retry sends it). Running `send_emergency` twice therefore sends nothing twice.

It runs inline, once the announcement is published (at once, or on approval). For a commune where a
target holds thousands of residents it moves behind a queue unchanged: send the announcement id to
SQS and run `send_emergency` from `@app.on_sqs_message`, as the digest does.
"""

from __future__ import annotations

import json
from typing import Iterator

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.models import UserItem
from chalicelib.announcements.models import AnnouncementItem
from chalicelib.languages import LANGUAGES
from chalicelib.observability import logger


def targeted_residents(item: AnnouncementItem) -> Iterator[UserItem]:
    """Verified residents of the targeted neighbourhoods (every published one for the whole commune):
    one Query per neighbourhood on gsi1 `NBH#<id>#RESIDENTS`."""
    if item.neighbourhoods is None:
        from chalicelib.neighbourhoods.service import list_published

        neighbourhoods = [n.id for n in list_published(item.lau2).neighbourhoods]
    else:
        neighbourhoods = list(item.neighbourhoods)
    for neighbourhood_id in neighbourhoods:
        for user in UserItem.by_neighbourhood.query(f"NBH#{neighbourhood_id}#RESIDENTS",
                                                    UserItem.gsi1sk.startswith("verified#")):
            if user.lau2 == item.lau2 and user.residence_status == "verified":
                yield user


def send_emergency(announcement_id: str) -> int:
    """Email a published emergency announcement to its residents; returns how many emails this run sent."""
    from chalicelib.announcements.service import link_path
    from chalicelib.notifications.alerts import send_emergency_alert
    from chalicelib.notifications.unsubscribe import site

    try:
        item = AnnouncementItem.get(*AnnouncementItem.key(announcement_id))
    except DoesNotExist:
        return 0
    if item.category != "emergency" or item.status != "published":
        return 0
    sources = json.loads(item.sources)
    card = json.loads(item.card)
    url = f"{site()}{link_path(announcement_id)}"
    sent = 0
    for user in targeted_residents(item):
        # Their language if the announcement has that version, else the commune's languages in order.
        language = next((lang for lang in [*(user.languages or []), *card["fallback"]] if lang in sources),
                        next(iter(sources)))
        version = sources[language]
        if send_emergency_alert(user, announcement_id, language=language if language in LANGUAGES else "fr",
                                title=version["title"], body=version["body"], commune=card["publisher_name"], url=url):
            sent += 1
    logger.info("emergency announcement emailed", announcement_id=announcement_id, sent=sent)
    return sent
