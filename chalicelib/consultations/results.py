"""A consultation's results from its counters: per neighbourhood and over all of them, with small
counts and what subtraction would tell suppressed (`suppression.py`), and free texts only from enough
residents that none stands out.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Hashable

from chalicelib.consultations.models import (
    RATINGS, ConsultationItem, ConsultationNeighbourhood, ConsultationOptionResult, ConsultationQuestion,
    ConsultationQuestionResult, ConsultationResults, SuppressedCount, TallyItem, TextAnswerItem,
)
from chalicelib.consultations.suppression import THRESHOLD, suppressed_cells
from chalicelib.neighbourhoods.service import list_published

ALL = "all"  # the CSV's and counters' name for "every neighbourhood together"


def results_of(item: ConsultationItem, *, with_texts: bool, state: str) -> ConsultationResults:
    consultation_id = item.consultation_id
    names = {n.id: n.name for n in list_published(item.lau2).neighbourhoods}
    tallies: dict[tuple[str, ...], int] = {}
    for tally in TallyItem.query(f"CONSULTATION#{consultation_id}", TallyItem.sk.startswith(TallyItem.PREFIX)):
        _, nbh, *rest = tally.sk.split("#")
        tallies[(nbh, *rest)] = int(tally.count)
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

    texts: dict[str, list[str]] = defaultdict(list)
    if with_texts:
        for text in TextAnswerItem.query(TextAnswerItem.partition(consultation_id)):
            texts[text.question_id].append(text.text)
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
