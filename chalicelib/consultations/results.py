"""A consultation's results from its counters: per neighbourhood and over all of them, with small
counts and what subtraction would tell suppressed (`suppression.py`), and free texts only from enough
residents that none stands out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Hashable

from chalicelib.consultations.models import (
    RATINGS, ConsultationItem, ConsultationNeighbourhood, ConsultationOptionResult, ConsultationQuestion,
    ConsultationQuestionResult, ConsultationResults, SuppressedCount, TallyItem, TextAnswerItem,
)
from chalicelib.consultations.suppression import THRESHOLD, suppressed_cells
from chalicelib.neighbourhoods.service import list_published
from chalicelib.store.table import table_connection

ALL = "all"  # the CSV's and counters' name for "every neighbourhood together"


@dataclass
class CountedConsultation:
    """What its results need, as one Query of its partition read it."""

    item: ConsultationItem | None
    tallies: dict[tuple[str, ...], int] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def counted(consultation_id: str, *, with_texts: bool) -> CountedConsultation:
    """The consultation, its tallies and (`with_texts`) its free-text answers: one Query of its partition from
    `CONSULTATION` on (its documents, then `TALLY#…`, then `TEXT#…`; answers and comments sort before it), a
    page at a time. A consultation written before its texts moved there (no `neighbourhood_names`) also reads
    their earlier partition."""
    pk, sk = ConsultationItem.key(consultation_id)
    last = TextAnswerItem.PREFIX if with_texts else TallyItem.PREFIX
    found = CountedConsultation(item=None)
    start: dict[str, Any] | None = None
    while True:
        page = table_connection().query(pk, range_key_condition=ConsultationItem.sk.between(sk, f"{last}\uffff"),
                                        exclusive_start_key=start)
        for raw in page.get("Items", []):
            key = raw["sk"]["S"]
            if key == sk:
                found.item = ConsultationItem.from_raw_data(raw)
            elif key.startswith(TallyItem.PREFIX):
                _, nbh, *rest = key.split("#")
                found.tallies[(nbh, *rest)] = int(raw.get("count", {}).get("N", "0"))
            elif key.startswith(TextAnswerItem.PREFIX):
                found.texts[raw["question_id"]["S"]].append(raw["text"]["S"])
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    if with_texts and found.item is not None and found.item.neighbourhood_names is None:
        for text in TextAnswerItem.query(TextAnswerItem.earlier_partition(consultation_id)):
            found.texts[text.question_id].append(text.text)
    return found


def neighbourhood_names(item: ConsultationItem) -> dict[str, str]:
    """Id -> name of the neighbourhoods it asks, as kept on it (read for one written before it kept them)."""
    if item.neighbourhood_names is not None:
        return dict(item.neighbourhood_names)
    return {n.id: n.name for n in list_published(item.lau2).neighbourhoods}


def results_of(found: CountedConsultation, *, with_texts: bool, state: str) -> ConsultationResults:
    item = found.item
    assert item is not None
    consultation_id = item.consultation_id
    names = neighbourhood_names(item)
    tallies = found.tallies
    areas = list(item.neighbourhood_ids) or sorted(names)
    areas += sorted({key[0] for key in tallies} - set(areas))  # counted before a boundary change
    counts: dict[Hashable, int] = {}
    lines: list[list[Hashable]] = []

    def cell(*key: str) -> tuple[str, ...]:
        counts[key] = tallies.get(key, 0) if key[0] != ALL else \
            sum(tallies.get((nbh, *key[1:]), 0) for nbh in areas)
        return key

    def margin(*names_: str) -> None:  # one counter over every neighbourhood, with its commune-wide total
        lines.append([cell(nbh, *names_) for nbh in areas] + [cell(ALL, *names_)])

    margin(TallyItem.RESPONDENTS)
    questions = [ConsultationQuestion.model_validate(q) for q in item.questions]
    for question in questions:
        options = _option_ids(question)
        margin(question.id, TallyItem.ANSWERED)
        for option in options:
            margin(question.id, option)
        if question.kind in ("single", "rating"):  # options exclude each other: they add up to "answered"
            for nbh in (*areas, ALL):
                lines.append([cell(nbh, question.id, o) for o in options] + [cell(nbh, question.id, TallyItem.ANSWERED)])
    hidden = suppressed_cells(counts, lines, THRESHOLD)

    def shown(*key: str) -> SuppressedCount:
        return SuppressedCount(count=None, suppressed=True) if key in hidden else SuppressedCount(count=counts[key], suppressed=False)

    texts = found.texts if with_texts else {}
    results = []
    for question in questions:
        labels = {o.id: dict(o.label) for o in question.options} or {r: {"en": r} for r in RATINGS}
        # Free text only from enough residents that none stands out: the same threshold as the counts, and
        # never where the count itself is hidden (the number of texts would tell it).
        answered = (ALL, question.id, TallyItem.ANSWERED)
        withheld = bool(texts.get(question.id)) and (answered in hidden or counts[answered] < THRESHOLD)
        results.append(ConsultationQuestionResult(
            id=question.id, kind=question.kind, prompt=dict(question.prompt),
            answered=shown(ALL, question.id, TallyItem.ANSWERED),
            answered_by_neighbourhood={nbh: shown(nbh, question.id, TallyItem.ANSWERED) for nbh in areas},
            options=[ConsultationOptionResult(id=o, label=labels[o], total=shown(ALL, question.id, o),
                                  by_neighbourhood={nbh: shown(nbh, question.id, o) for nbh in areas})
                     for o in _option_ids(question)],
            texts=([] if withheld else texts.get(question.id, [])) if with_texts and question.kind == "text" else None,
            texts_withheld=with_texts and withheld))
    return ConsultationResults(consultation_id=consultation_id, state=state,  # type: ignore[arg-type]
                   neighbourhoods=[ConsultationNeighbourhood(id=nbh, name=names.get(nbh, nbh)) for nbh in areas],
                   respondents=shown(ALL, TallyItem.RESPONDENTS),
                   respondents_by_neighbourhood={nbh: shown(nbh, TallyItem.RESPONDENTS) for nbh in areas},
                   questions=results, threshold=THRESHOLD)


def _option_ids(question: ConsultationQuestion) -> list[str]:
    return list(RATINGS) if question.kind == "rating" else [o.id for o in question.options]
