"""A resident's answers to a consultation: checked against its questions, then written in one
transaction with the condition that it is open, the answer's version (once per resident, no lost
change) and atomic ADDs on the counters, so that a count is never doubled nor lost; free texts are
copied without their author. `service.answer` reads the clock and retries.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.consultations.models import (
    AnswerItem, ConsultationAnswers, ConsultationItem, TallyItem, TextAnswerItem,
)
from chalicelib.content.counters import count_in_week
from chalicelib.errors import InvalidInput
from chalicelib.policy import Principal
from chalicelib.store.table import transaction


def conflicting(error: TransactWriteError) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(reason is not None and reason.code == "TransactionConflict" for reason in reasons) or \
        getattr(error, "cause_response_code", None) in ("TransactionConflictException", "ThrottlingException")


def write_answer(item: ConsultationItem, principal: Principal, neighbourhood_id: str, answers: dict[str, Any],
                 previous: AnswerItem | None, at: datetime) -> AnswerItem:
    consultation_id, user_id = item.consultation_id, principal.user_id or ""
    # Counted where first answered: a move inside the consultation's area does not move the answer.
    counted_in = previous.neighbourhood_id if previous else neighbourhood_id
    questions = {q["id"]: q for q in item.questions}
    delta: dict[tuple[str, ...], int] = defaultdict(int)
    for sign, given in ((-1, previous.answers if previous else {}), (1, answers)):
        for qid, value in given.items():
            for name in _counted(questions.get(qid), value):
                delta[(qid, name)] += sign
    if previous is None:
        delta[(TallyItem.RESPONDENTS,)] += 1
    old_tokens = dict(previous.text_tokens) if previous else {}
    tokens, text_writes, text_deletes = {}, [], []
    for qid, value in answers.items():
        if questions[qid]["kind"] != "text":
            continue
        if previous and previous.answers.get(qid) == value and qid in old_tokens:
            tokens[qid] = old_tokens[qid]
            continue
        tokens[qid] = f"{qid}#{secrets.token_hex(12)}"
        text_writes.append(TextAnswerItem(*TextAnswerItem.key(consultation_id, tokens[qid]), question_id=qid,
                                          text=value))
    text_deletes = [token for qid, token in old_tokens.items() if tokens.get(qid) != token]
    saved = AnswerItem(*AnswerItem.key(consultation_id, user_id), gsi1pk=AnswerItem.answerer(user_id),
                       gsi1sk=consultation_id, consultation_id=consultation_id, user_id=user_id,
                       neighbourhood_id=counted_in, answers=answers, text_tokens=tokens,
                       version=(previous.version + 1) if previous else 1,
                       created_at=previous.created_at if previous else at, updated_at=at)
    with transaction() as t:
        t.condition_check(ConsultationItem, *ConsultationItem.key(consultation_id),
                          condition=(ConsultationItem.status == "published") & (ConsultationItem.opens_at <= at)
                          & (ConsultationItem.closes_at > at))
        t.save(saved, condition=AnswerItem.version == previous.version if previous else AnswerItem.pk.does_not_exist())
        for names, change in sorted(delta.items()):
            if change:
                t.update(TallyItem(*TallyItem.key(consultation_id, counted_in, *names)),
                         actions=[TallyItem.count.add(change)])
        for text in text_writes:
            t.save(text)
        for token in text_deletes:
            t.delete(TextAnswerItem(*TextAnswerItem.key(consultation_id, token)))
            if item.neighbourhood_names is None:  # written before the texts moved: until the upgrade moved them
                t.delete(TextAnswerItem(TextAnswerItem.earlier_partition(consultation_id), token))
        if previous is None:  # a resident's first answer (a changed answer is not another one)
            count_in_week(t, counted_in, at, consultation_answers=1)
    return saved


def _counted(question: dict[str, Any] | None, value: Any) -> list[str]:
    """The counters one answer adds to: its options, and the question's "answered"."""
    if question is None:
        return []
    kind = question["kind"]
    options = [value] if kind == "single" else list(value) if kind == "multiple" else \
        [str(value)] if kind == "rating" else []
    return [*options, TallyItem.ANSWERED]


def validated(item: ConsultationItem, request: ConsultationAnswers) -> dict[str, Any]:
    questions = {q["id"]: q for q in item.questions}
    problems: dict[str, str] = {}
    answers: dict[str, Any] = {}
    for qid, value in request.answers.items():
        field = f"answers.{qid}"
        question = questions.get(qid)
        if question is None:
            problems[field] = "no such question"
            continue
        kind, options = question["kind"], [o["id"] for o in question["options"]]
        if kind == "single" and not (isinstance(value, str) and value in options):
            problems[field] = f"choose one of {', '.join(options)}"
        elif kind == "multiple" and not (isinstance(value, list) and value and len(set(value)) == len(value)
                                         and all(v in options for v in value)):
            problems[field] = f"choose one or more of {', '.join(options)}, each once"
        elif kind == "rating" and not (type(value) is int and 1 <= value <= 5):
            problems[field] = "a rating from 1 to 5"
        elif kind == "text" and not isinstance(value, str):
            problems[field] = "a text"
        else:
            answers[qid] = sorted(value) if kind == "multiple" else value
    if problems:
        raise InvalidInput(f"Check your answers: {', '.join(problems)}.", problems)
    return answers
