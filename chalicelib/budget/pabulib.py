"""The pabulib `.pb` format (pabulib.org): participatory budgeting elections as open data.

A file has three sections, each a title line (`META`, `PROJECTS`, `VOTES`) followed by `;`-separated CSV with a
header row: META is `key;value` (budget, vote_type, rule, max_sum_points, max_length...), PROJECTS has at least
`project_id;cost` (often `votes`, `score`, `name`, `selected`), VOTES at least `voter_id;vote`, `vote` being the
comma-separated project ids of the ballot and, for cumulative and scoring ballots, `points` the points given to each
in the same order (ordinal ballots: the ids in order of preference).

`read` keeps every column as text, in order; `election` turns a file into the `rules.Election` the results are
computed on; `write` writes a file back, anonymising the voters: only the ballot columns kept (`voter_id`, `vote`,
`points`) unless others are asked for by name, voters sorted by ballot and renumbered 1..n. Reading what `write`
wrote gives the same election back (its ballots in that order).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.budget.rules import Election

SECTIONS = ("META", "PROJECTS", "VOTES")
BALLOT_COLUMNS = ("voter_id", "vote", "points")
VOTE_TYPES = ("approval", "cumulative", "scoring", "ordinal")


class PabulibError(ValueError):
    """A file that is not well-formed pabulib, with where and why."""


@dataclass
class PabulibFile:
    meta: dict[str, str] = field(default_factory=dict)
    projects: list[dict[str, str]] = field(default_factory=list)  # one row per project, columns as in the file
    votes: list[dict[str, str]] = field(default_factory=list)  # one row per voter

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()

    def limit(self, key: str) -> int | None:
        """A whole-number limit of the ballot from META (`max_length`, `min_length`, `max_sum_points`,
        `min_sum_points`, `max_points`...), or None when the file does not give it."""
        value = self.meta.get(key, "").strip()
        try:
            return int(float(value)) if value else None
        except ValueError:
            raise PabulibError(f"META {key}: {value!r} is not a number") from None

    def selected(self) -> list[str] | None:
        """The ids of the projects the file marks as funded (`selected` column), or None without that column."""
        if not self.projects or "selected" not in self.projects[0]:
            return None
        return [row["project_id"] for row in self.projects if (row.get("selected") or "0").strip() not in ("", "0")]


def read(source: str | Path | io.TextIOBase) -> PabulibFile:
    """Read a `.pb` file (a path, or an open text stream); any line ending, UTF-8 with or without BOM."""
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8-sig", newline="") as stream:
            return read(stream)
    result, section, header = PabulibFile(), None, None
    for number, row in enumerate(csv.reader(source, delimiter=";"), start=1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) == 1 and row[0].strip().upper() in SECTIONS:
            section, header = row[0].strip().upper(), None
            continue
        if section is None:
            raise PabulibError(f"line {number}: content before the META section")
        if header is None:
            header = [name.strip() for name in row]
            continue
        if len(row) > len(header):
            raise PabulibError(f"line {number}: {len(row)} fields, the {section} header has {len(header)}")
        values = dict(zip(header, (value.strip() for value in row)))
        if section == "META":
            result.meta[values.get("key", "")] = values.get("value", "")
        elif section == "PROJECTS":
            result.projects.append(values)
        else:
            result.votes.append(values)
    if not result.projects:
        raise PabulibError("no PROJECTS section (or an empty one)")
    return result


def _amount(text: str, what: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise PabulibError(f"{what}: {text!r} is not a number") from None
    if value != int(value) or value < 0:
        raise PabulibError(f"{what}: {text!r} is not a whole amount")
    return int(value)


def ballot(row: dict[str, str], vote_type: str = "approval") -> dict[str, int]:
    """One voter's ballot: project id -> points (1 for approval; for ordinal, m..1 by rank of m projects)."""
    ids = [p.strip() for p in (row.get("vote") or "").split(",") if p.strip()]
    if vote_type in ("cumulative", "scoring"):
        points = [p.strip() for p in (row.get("points") or "").split(",") if p.strip()]
        if len(points) != len(ids):
            raise PabulibError(f"voter {row.get('voter_id')}: {len(ids)} projects but {len(points)} points")
        return {p: int(float(given)) for p, given in zip(ids, points) if float(given) > 0}
    if vote_type == "ordinal":
        return {p: len(ids) - rank for rank, p in enumerate(ids)}
    return dict.fromkeys(ids, 1)


def election(pb: PabulibFile) -> Election:
    """The election a file describes: its budget, project costs and ballots (cumulative and scoring ballots keep
    their points; approval and ordinal ballots count 1 per project)."""
    if "budget" not in pb.meta:
        raise PabulibError("META has no budget")
    kind = "cumulative" if pb.vote_type in ("cumulative", "scoring") else "approval"
    projects = {row["project_id"]: _amount(row.get("cost", ""), f"project {row.get('project_id')} cost")
                for row in pb.projects}
    ballots = []
    for row in pb.votes:
        given = ballot(row, pb.vote_type)
        unknown = sorted(set(given) - set(projects))
        if unknown:
            raise PabulibError(f"voter {row.get('voter_id')}: project {unknown[0]} is not in PROJECTS")
        ballots.append(given if kind == "cumulative" else dict.fromkeys(given, 1))
    return Election(budget=_amount(pb.meta["budget"], "budget"), projects=projects, ballots=tuple(ballots),
                    kind=kind)


def anonymised(pb: PabulibFile, keep: tuple[str, ...] = ()) -> PabulibFile:
    """The same election without what could tell who voted: only the ballot columns kept, plus the named `keep`
    columns (e.g. "neighbourhood"), and the voters in an order that tells nothing either (sorted by what they kept,
    not in the order they voted or were stored), renumbered 1..n."""
    columns = [c for c in (pb.votes[0] if pb.votes else {}) if c in BALLOT_COLUMNS or c in keep]
    kept = sorted(([row.get(c, "") for c in columns if c != "voter_id"] for row in pb.votes))
    others = [c for c in columns if c != "voter_id"]
    numbered = "voter_id" in columns
    votes = [{**({"voter_id": str(number)} if numbered else {}), **dict(zip(others, values))}
             for number, values in enumerate(kept, start=1)]
    meta = dict(pb.meta)
    if "num_votes" in meta:
        meta["num_votes"] = str(len(votes))
    if "num_projects" in meta:
        meta["num_projects"] = str(len(pb.projects))
    return PabulibFile(meta=meta, projects=[dict(row) for row in pb.projects], votes=votes)


def dumps(pb: PabulibFile, *, keep: tuple[str, ...] = ()) -> str:
    """The file's text, voters anonymised (see `anonymised`); LF line endings, UTF-8."""
    pb = anonymised(pb, keep)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    writer.writerows(pb.meta.items())
    for title, rows in (("PROJECTS", pb.projects), ("VOTES", pb.votes)):
        out.write(f"{title}\n")
        columns = list(rows[0]) if rows else (["project_id", "cost"] if title == "PROJECTS" else ["voter_id", "vote"])
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return out.getvalue()


def write(pb: PabulibFile, path: str | Path, *, keep: tuple[str, ...] = ()) -> None:
    Path(path).write_text(dumps(pb, keep=keep), encoding="utf-8")


def from_election(e: Election, meta: dict[str, str] | None = None,
                  names: dict[str, str] | None = None) -> PabulibFile:
    """A pabulib file for an election computed here (e.g. an edition's closed ballot box)."""
    cumulative = e.kind == "cumulative"
    votes_per_project = {p: 0 for p in e.projects}
    for given in e.ballots:
        for p in given:
            votes_per_project[p] += 1
    info = {"num_projects": str(len(e.projects)), "num_votes": str(len(e.ballots)), "budget": str(e.budget),
            "vote_type": e.kind, **(meta or {})}
    projects = [{"project_id": p, "cost": str(cost), "votes": str(votes_per_project[p]),
                 **({"name": names[p]} if names and p in names else {})} for p, cost in e.projects.items()]
    votes = []
    for number, given in enumerate(e.ballots, start=1):
        row = {"voter_id": str(number), "vote": ",".join(given)}
        if cumulative:
            row["points"] = ",".join(str(v) for v in given.values())
        votes.append(row)
    return PabulibFile(meta=info, projects=projects, votes=votes)
