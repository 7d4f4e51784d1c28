"""A consultation's questionnaire as staff write it: every text in the commune's languages, known
neighbourhoods, its location's cell; the target entries that make "open here now" one Query; and
which language a reader gets of its texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import h3

from chalicelib.communes.service import get_commune
from chalicelib.consultations.models import ConsultationDraft, ConsultationItem, TargetItem
from chalicelib.errors import InvalidInput
from chalicelib.neighbourhoods.service import list_published


def pick(texts: dict[str, str], language: str | None, fallbacks: Iterable[str]) -> tuple[str, str]:
    """(text, its language): the wanted language, else the first of `fallbacks` present, else any."""
    for candidate in (language, *fallbacks):
        if candidate and texts.get(candidate):
            return texts[candidate], candidate
    first = sorted(texts)[0]
    return texts[first], first


@dataclass(frozen=True)
class CheckedDraft:
    cell: str | None  # the location's
    published: dict[str, str]  # the commune's published neighbourhoods, id -> name


def check_draft(lau2: str, draft: ConsultationDraft) -> CheckedDraft:
    """Every text in the commune's languages, known neighbourhoods; with the location's cell and the names."""
    languages = get_commune(lau2).languages
    texts: list[tuple[str, dict[str, str]]] = [("title", draft.title), ("description", draft.description)]
    for i, question in enumerate(draft.questions):
        texts.append((f"questions.{i}.prompt", question.prompt))
        texts += [(f"questions.{i}.options.{j}.label", option.label) for j, option in enumerate(question.options)]
    missing = {f"{field}.{language}": "missing: the commune speaks this language"
               for field, text in texts for language in languages if language not in text}
    if missing:
        raise InvalidInput(f"Give every text in the commune's languages: check {', '.join(missing)}.", missing)
    published = {n.id: n.name for n in list_published(lau2).neighbourhoods}
    unknown = {f"neighbourhood_ids.{i}": "not a published neighbourhood of this commune"
               for i, nbh in enumerate(draft.neighbourhood_ids) if nbh not in published}
    if unknown:
        raise InvalidInput(f"Unknown neighbourhoods: check {', '.join(unknown)}.", unknown)
    cell = None if draft.location is None else h3.latlng_to_cell(draft.location.lat, draft.location.lon, 9)
    return CheckedDraft(cell=cell, published=published)


def names_asked(item: ConsultationItem, published: dict[str, str]) -> dict[str, str]:
    """Id -> name of the neighbourhoods it asks (for the whole commune: every published one); a targeted one no
    longer published keeps the name it had."""
    if not item.neighbourhood_ids:
        return dict(published)
    kept = dict(item.neighbourhood_names or {})
    return {nbh: published.get(nbh, kept.get(nbh, nbh)) for nbh in item.neighbourhood_ids}


def fill(item: ConsultationItem, draft: ConsultationDraft, checked: CheckedDraft) -> None:
    item.title, item.description = dict(draft.title), dict(draft.description)
    item.location_cell, item.neighbourhood_ids = checked.cell, list(draft.neighbourhood_ids)
    item.neighbourhood_names = names_asked(item, checked.published)
    item.opens_at, item.closes_at = draft.opens_at, draft.closes_at
    item.questions = [question.model_dump() for question in draft.questions]


def target_keys(item: ConsultationItem, neighbourhoods: list[str] | None = None) -> set[tuple[str, str]]:
    """A targeted neighbourhood's partition each; for the whole commune, the commune's own and every published
    neighbourhood's (`neighbourhoods`, else read: one Query; a commune has some tens)."""
    if item.neighbourhood_ids:
        partitions = [TargetItem.partition(nbh, item.lau2) for nbh in item.neighbourhood_ids]
    else:
        if neighbourhoods is None:
            neighbourhoods = [n.id for n in list_published(item.lau2).neighbourhoods]
        partitions = [TargetItem.partition(None, item.lau2), *(TargetItem.partition(n, item.lau2) for n in neighbourhoods)]
    sort_key = TargetItem.sort_key(item.closes_at, item.consultation_id)
    return {(partition, sort_key) for partition in partitions}


def target(key: tuple[str, str], item: ConsultationItem, languages: list[str]) -> TargetItem:
    return TargetItem(*key, consultation_id=item.consultation_id, opens_at=item.opens_at, closes_at=item.closes_at,
                      title=item.title, languages=languages)


def write_targets(t: Any, item: ConsultationItem, old: set[tuple[str, str]]) -> None:
    """Within the publication's or edit's transaction (a whole-commune consultation: 2 writes per neighbourhood
    at most, when an edit moves its closing time)."""
    new = target_keys(item)
    languages = list(get_commune(item.lau2).languages)
    for key in sorted(old - new):
        t.delete(TargetItem(*key))
    for key in sorted(new):
        t.save(target(key, item, languages))
