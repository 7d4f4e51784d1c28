"""Building and sending a neighbourhood's weekly digests, exactly once per resident and week.

`run_neighbourhood` reads the neighbourhood's week once (chalicelib/digest/content.py), with its
residents' profiles, which carry whom each blocked and how far each read the feed: nothing is read per
resident. For each verified resident who wants the digest and has not read everything in it already, it
leaves out people they blocked and renders the email in their language; every 100 emails,
`emails.send_each_once` claims their markers `DIGEST#<user_id>#<week>` in one conditional transaction,
then sends them.

Exactly once, mark then send: a marker is written (by condition) before its email goes, so a retried or
duplicated run never sends twice; a failed send deletes its marker and leaves that resident for the retry
while the others go on; the run then raises `DigestIncomplete`, so SQS delivers the neighbourhood's
message again. The one loss left is a process killed between a batch's claim and its sends; a Lambda
timeout is not one: near it (`SAFETY_MARGIN`), no new batch is claimed and the rest waits for the retry.
Sending first and marking after would send twice on every retry instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from chalicelib.accounts.models import UserItem
from chalicelib.adapters.clock import now
from chalicelib.content.counters import add_in_week
from chalicelib.digest.content import Digest, NeighbourhoodWeek, read_week
from chalicelib.digest.jobs import jobs_for
from chalicelib.digest.weeks import week_bounds
from chalicelib.i18n import translate
from chalicelib.notifications import emails
from chalicelib.notifications.settings import skips_when_read, wants_for
from chalicelib.observability import logger
from chalicelib.web.site import site

TOPIC = "digest"
TEMPLATE = "digest"
# Seconds of the Lambda's time (300 s, .chalice/config.json) below which no new batch of 100 is claimed:
# rendering and sending one takes a few seconds.
SAFETY_MARGIN = 30


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
    read_everything: int = 0
    stopped: bool = False
    failed: list[str] = field(default_factory=list)
    previews: list[Preview] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.neighbourhood_id} {self.week}: {self.residents} residents, {self.sent} sent, "
                f"{self.already_sent} already sent, {self.empty} with nothing new, {self.not_wanted} not wanted, "
                f"{self.read_everything} read everything"
                + (f", {len(self.failed)} failed" if self.failed else ""))


def marker_key(user_id: str, week: str) -> str:
    return f"DIGEST#{user_id}#{week}"


def run_neighbourhood(neighbourhood_id: str, lau2: str, name: str, week: str, *, dry_run: bool = False,
                      time_left: Callable[[], float] | None = None) -> NeighbourhoodReport:
    """Build and send (or, `dry_run`, only preview: nothing sent, no marker written) one neighbourhood's
    digests of an ISO week. `time_left` (seconds, the Lambda's remaining time) stops claiming new batches
    near the timeout: the residents left over count as failed, so the job is retried for them."""
    start, end = week_bounds(week)
    content = read_week(neighbourhood_id, lau2, name, week, start, end)
    commune_news = CommuneNews(content)
    report = NeighbourhoodReport(neighbourhood_id, week, residents=len(content.residents))
    batch: list[tuple[str, Any]] = []
    for resident in content.residents:
        if not wants_for(resident, TOPIC):
            report.not_wanted += 1
            continue
        digest = content.for_resident(resident.user_id, set(resident.blocked or ()))
        language = emails.language_of(resident)
        news = commune_news.in_language(language)
        if digest.empty and not news["announcements"] and not news["consultations"]:
            report.empty += 1
            continue
        if read_everything(resident, digest, news):
            report.read_everything += 1
            continue
        if report.stopped:  # near the timeout: render no more, the retry sends the rest
            report.failed.append(resident.user_id)
            continue
        message = emails.render(TEMPLATE, language, _context(content, digest, news, language),
                                user_id=resident.user_id, topic=TOPIC, to=resident.email)
        if dry_run:
            report.previews.append(Preview(resident.user_id, resident.email, language, str(message["Subject"]),
                                           {**digest.counts(), "announcements": len(news["announcements"]),
                                            "consultations": len(news["consultations"])}))
            continue
        batch.append((marker_key(resident.user_id, week), message))
        if len(batch) == emails.CLAIMS_PER_TRANSACTION:
            _send(batch, report, time_left)
            batch = []
    if batch:
        _send(batch, report, time_left)
    logger.info("digests of a neighbourhood", nbh=neighbourhood_id, week=week, residents=report.residents,
                sent=report.sent, already_sent=report.already_sent, empty=report.empty,
                read_everything=report.read_everything, failed=len(report.failed), dry_run=dry_run)
    return report


def _send(batch: list[tuple[str, Any]], report: NeighbourhoodReport, time_left: Callable[[], float] | None) -> None:
    """Claim and send a batch of up to 100 rendered digests (`emails.send_each_once`)."""
    if report.stopped or (time_left is not None and time_left() < SAFETY_MARGIN):
        report.stopped = True  # too close to the timeout to send 100 emails: the retry sends them
        report.failed += [_user_of(key) for key, _ in batch]
        return
    try:
        outcome = emails.send_each_once(batch)
    except Exception:  # noqa: BLE001 — the database refused the claims: nothing of this batch was sent
        logger.exception("digests not claimed", nbh=report.neighbourhood_id, week=report.week)
        report.failed += [_user_of(key) for key, _ in batch]
        return
    report.sent += len(outcome.sent)
    if outcome.sent:  # residents receiving the digest: each marker is claimed once, so each email counts once
        add_in_week(report.neighbourhood_id, digest_recipients=len(outcome.sent))
    report.already_sent += len(outcome.already_sent)
    report.failed += [_user_of(key) for key in outcome.failed]


def _user_of(key: str) -> str:
    return key.split("#")[1]


def read_everything(resident: UserItem, digest: Digest, news: dict[str, list[Any]]) -> bool:
    """Did the resident see, in their feed, everything this digest would tell (and do they want it skipped
    then)? `UserItem.feed_seen` is the newest post id they saw (chalicelib/notifications/seen.py); ids are
    time-ordered, so every post and thing to lend of the digest written up to that id was on Noper when they
    looked. The commune's announcements and consultations, the events coming up and the progress of budget projects
    one supported are not in the feed: a digest with any is sent."""
    if not resident.feed_seen or news["announcements"] or news["consultations"] or digest.coming_up \
            or digest.budget_progress:
        return False
    if not skips_when_read(resident):
        return False
    newest = max([p.id for posts in digest.new_posts.values() for p in posts]
                 + [p.id for p in (*digest.open_help, *digest.giveaways, *digest.lost_pets)]
                 + [i.id for i in digest.lendables], default="")
    return bool(newest) and newest <= resident.feed_seen


def run_job(job: dict[str, Any], time_left: Callable[[], float] | None = None) -> NeighbourhoodReport:
    """One SQS message (chalicelib/digest/fanout.py): raises when a send failed, so SQS retries it."""
    report = run_neighbourhood(job["neighbourhood_id"], job["lau2"], job["name"], job["week"], time_left=time_left)
    if report.failed:
        raise DigestIncomplete(f"{len(report.failed)} digests of {job['neighbourhood_id']} not sent; retry")
    return report


class CommuneNews:
    """The commune's announcements and open consultations for this neighbourhood, read once per
    language (their services translate). The language changes titles only, never which ones: a kind
    found empty in one language is empty in all, and not asked again (the usual week)."""

    def __init__(self, content: NeighbourhoodWeek) -> None:
        self.content = content
        self.cache: dict[str, dict[str, list[Any]]] = {}
        self.none: set[str] = set()

    def in_language(self, language: str) -> dict[str, list[Any]]:
        if language not in self.cache:
            from chalicelib.announcements.service import for_digest
            from chalicelib.consultations.service import open_for

            c = self.content
            read = {
                "announcements": lambda: for_digest(c.lau2, c.neighbourhood_id, c.start, c.end, language),
                "consultations": lambda: open_for(c.lau2, c.neighbourhood_id, min(now(), c.end), language),
            }
            news = {kind: [] if kind in self.none else list(ask()) for kind, ask in read.items()}
            self.none |= {kind for kind, found in news.items() if not found}
            self.cache[language] = news
        return self.cache[language]


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
        "event_url": lambda event_id: f"{origin}/events/{event_id}",
        "budget_url": lambda progress: (f"{origin}/communes/{content.lau2}/budgets/{progress.edition_id}/proposals/"
                                        f"{progress.proposal_id}"),
        "progress_state": lambda state: translate(language, f"digest.budget_state.{state}"),
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
        not_wanted=sum(r.not_wanted for r in reports), read_everything=sum(r.read_everything for r in reports),
        failed=sum(len(r.failed) for r in reports))
