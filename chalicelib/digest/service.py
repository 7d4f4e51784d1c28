"""Building and sending a neighbourhood's weekly digests, exactly once per resident and week.

`run_neighbourhood` reads the neighbourhood's week once (chalicelib/digest/content.py), then for
each verified resident who wants the digest: leaves out people they blocked, renders the email in
their language and sends it with `send_once("DIGEST#<user_id>#<week>")`, so a retried or duplicated
run never sends twice. A failed send leaves that resident for the retry and goes on with the others;
the run then raises `DigestIncomplete`, so SQS delivers the neighbourhood's message again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from chalicelib.adapters.clock import now
from chalicelib.digest.content import Digest, NeighbourhoodWeek, read_week
from chalicelib.digest.jobs import jobs_for
from chalicelib.digest.weeks import week_bounds
from chalicelib.i18n import translate
from chalicelib.messages.models import BlockItem
from chalicelib.notifications import emails
from chalicelib.notifications.settings import wants_for
from chalicelib.observability import logger
from chalicelib.web.site import site

TOPIC = "digest"
TEMPLATE = "digest"


class DigestIncomplete(RuntimeError):
    """Some residents' digests could not be sent: the run is to be retried (the others stay sent)."""


@dataclass
class Preview:
    user_id: str
    email: str
    language: str
    subject: str
    counts: dict[str, int]


@dataclass
class NeighbourhoodReport:
    neighbourhood_id: str
    week: str
    residents: int = 0
    sent: int = 0
    already_sent: int = 0
    empty: int = 0
    not_wanted: int = 0
    failed: list[str] = field(default_factory=list)
    previews: list[Preview] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.neighbourhood_id} {self.week}: {self.residents} residents, {self.sent} sent, "
                f"{self.already_sent} already sent, {self.empty} with nothing new, {self.not_wanted} not wanted"
                + (f", {len(self.failed)} failed" if self.failed else ""))


def marker_key(user_id: str, week: str) -> str:
    return f"DIGEST#{user_id}#{week}"


def run_neighbourhood(neighbourhood_id: str, lau2: str, name: str, week: str, *, dry_run: bool = False,
                      send: Callable[[str, Any], bool] | None = None) -> NeighbourhoodReport:
    """Build and send (or, `dry_run`, only preview: nothing sent, no marker written) one
    neighbourhood's digests of an ISO week. `send` replaces `emails.send_once` (the bench)."""
    start, end = week_bounds(week)
    content = read_week(neighbourhood_id, lau2, name, week, start, end)
    commune_news = CommuneNews(content)
    report = NeighbourhoodReport(neighbourhood_id, week, residents=len(content.residents))
    deliver = send or emails.send_once
    for resident in content.residents:
        if not wants_for(resident, TOPIC):
            report.not_wanted += 1
            continue
        digest = content.for_resident(resident.user_id, _blocked_by(resident.user_id))
        language = emails.language_of(resident)
        news = commune_news.in_language(language)
        if digest.empty and not news["announcements"] and not news["consultations"]:
            report.empty += 1
            continue
        message = emails.render(TEMPLATE, language, _context(content, digest, news, language),
                                user_id=resident.user_id, topic=TOPIC, to=resident.email)
        if dry_run:
            report.previews.append(Preview(resident.user_id, resident.email, language, str(message["Subject"]),
                                           {**digest.counts(), "announcements": len(news["announcements"]),
                                            "consultations": len(news["consultations"])}))
            continue
        try:
            if deliver(marker_key(resident.user_id, week), message):
                report.sent += 1
            else:
                report.already_sent += 1
        except Exception:  # noqa: BLE001 — one resident's failure must not cost the others their digest
            logger.exception("digest not sent", nbh=neighbourhood_id, week=week, user_id=resident.user_id)
            report.failed.append(resident.user_id)
    logger.info("digests of a neighbourhood", nbh=neighbourhood_id, week=week, residents=report.residents,
                sent=report.sent, already_sent=report.already_sent, empty=report.empty, failed=len(report.failed),
                dry_run=dry_run)
    return report


def run_job(job: dict[str, Any]) -> NeighbourhoodReport:
    """One SQS message (chalicelib/digest/fanout.py): raises when a send failed, so SQS retries it."""
    report = run_neighbourhood(job["neighbourhood_id"], job["lau2"], job["name"], job["week"])
    if report.failed:
        raise DigestIncomplete(f"{len(report.failed)} digests of {job['neighbourhood_id']} not sent; retry")
    return report


class CommuneNews:
    """The commune's announcements and open consultations for this neighbourhood, read once per
    language (their services translate)."""

    def __init__(self, content: NeighbourhoodWeek) -> None:
        self.content = content
        self.cache: dict[str, dict[str, list[Any]]] = {}

    def in_language(self, language: str) -> dict[str, list[Any]]:
        if language not in self.cache:
            from chalicelib.announcements.service import for_digest
            from chalicelib.consultations.service import open_for

            c = self.content
            self.cache[language] = {
                "announcements": list(for_digest(c.lau2, c.neighbourhood_id, c.start, c.end, language)),
                "consultations": list(open_for(c.lau2, c.neighbourhood_id, min(now(), c.end), language)),
            }
        return self.cache[language]


def _blocked_by(user_id: str) -> set[str]:
    """Whom this resident blocked (chalicelib/messages): one Query of their blocks."""
    return {block.sk for block in BlockItem.query(f"USER#{user_id}#BLOCKS", attributes_to_get=["sk"])}


def _context(content: NeighbourhoodWeek, digest: Digest, news: dict[str, list[Any]], language: str) -> dict[str, Any]:
    origin = site()
    return {
        "neighbourhood": content.name,
        "neighbourhood_url": f"{origin}/neighbourhoods/{content.neighbourhood_id}/posts",
        "library_url": f"{origin}/neighbourhoods/{content.neighbourhood_id}/library",
        "site": origin,
        "week": content.week,
        "week_start": content.start,
        "week_end": _last_day(content.end),
        "digest": digest,
        "post_url": lambda post_id: f"{origin}/posts/{post_id}",
        "item_url": lambda item_id: f"{origin}/items/{item_id}",
        "announcement_url": lambda announcement: f"{origin}{_field(announcement, 'link_path')}",
        "consultation_url": lambda consultation: f"{origin}/consultations/{_field(consultation, 'id')}",
        "announcements": news["announcements"],
        "consultations": news["consultations"],
        "kind_heading": lambda kind: translate(language, f"digest.kind.{kind}"),
    }


def _field(thing: Any, name: str) -> Any:
    """A field of what the announcements and consultations services return (a model or a dict)."""
    return thing[name] if isinstance(thing, dict) else getattr(thing, name)


def _last_day(end: datetime) -> datetime:
    return end - timedelta(seconds=1)


def run_week(week: str, *, lau2: str | None = None, neighbourhood_id: str | None = None,
             dry_run: bool = False) -> list[NeighbourhoodReport]:
    """Every published neighbourhood's digests of a week (of one commune, or one neighbourhood), in this
    process: what `./noper digest` and the local stage's admin button run. 404 for an unknown neighbourhood."""
    from chalicelib.errors import NotFound

    week_bounds(week)  # 400 naming `week` before anything is read
    jobs = jobs_for(week, lau2, neighbourhood_id)
    if neighbourhood_id and not jobs:
        raise NotFound("No such published neighbourhood.", {"neighbourhood_id": "not found"})
    return [run_neighbourhood(job["neighbourhood_id"], job["lau2"], job["name"], week, dry_run=dry_run) for job in jobs]


def run_on_local_stage(lau2: str, week: str | None, neighbourhood_id: str | None, dry_run: bool):
    """The admin page's button: only on the local stage (404 elsewhere, where the schedule runs it).
    Answers counts only: whoever presses it reads no neighbourhood content."""
    from chalicelib import config
    from chalicelib.digest.models import DigestRunReport
    from chalicelib.digest.weeks import week_before
    from chalicelib.errors import NotFound

    if not config.get_settings().is_local:
        raise NotFound("The digest runs from its schedule on this stage.", {"stage": "local stage only"})
    week = week or week_before(now())
    reports = run_week(week, lau2=lau2, neighbourhood_id=neighbourhood_id, dry_run=dry_run)
    return DigestRunReport(
        week=week, dry_run=dry_run, neighbourhoods=len(reports), residents=sum(r.residents for r in reports),
        sent=sum(r.sent for r in reports), would_send=sum(len(r.previews) for r in reports),
        already_sent=sum(r.already_sent for r in reports), nothing_new=sum(r.empty for r in reports),
        not_wanted=sum(r.not_wanted for r in reports), failed=sum(len(r.failed) for r in reports))
