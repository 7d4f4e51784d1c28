"""Signing in without passwords: an emailed one-time code, then an opaque session.

Codes: 6 digits, stored as a keyed hash, 10 minutes, 5 attempts; requests rate-limited per email
and per client IP; wrong codes in a row for one email lock it for longer and longer (WRONG_CODES). Sessions: a 256-bit token in an HttpOnly cookie, stored as a keyed hash with
an expiry the code checks itself (DynamoDB Local never expires TTL items), and a CSRF token that
state-changing requests must echo in the X-CSRF-Token header.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from chalicelib import ratelimit
from chalicelib.accounts import secrets
from chalicelib.accounts.models import EmailItem, SessionItem, SignInCodeItem, UserItem
from chalicelib.adapters import mail
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.config import get_settings
from chalicelib.errors import InvalidInput, NotSignedIn, RateLimited
from chalicelib.i18n import translate
from chalicelib.observability import logger
from chalicelib.store.table import condition_failed, refused_conditions, transaction

CODE_MINUTES = 10
CODE_ATTEMPTS = 5
SESSION_DAYS = 30
LAST_SEEN_EVERY = timedelta(minutes=10)
# Codes asked per email and per client IP in ten minutes.
# (per address: `Settings.codes_per_ip`, 20 unless the operator raised it)
CODES_PER_EMAIL, WINDOW = 3, 600
# Sign-in attempts per client IP in ten minutes (each code also allows only 5).
ATTEMPTS_PER_IP = 30
CODE_DIGITS = 6
# What the policy's Principal is built from, copied from the account to each of its sessions.
PRINCIPAL_FIELDS = ("residence_status", "address_id", "lau2", "neighbourhood_id", "staff", "ambassador_of",
                    "moderator_of", "operator", "vouches_month", "vouches_in_month")  # (and this month's vouches)
# Wrong codes in a row for one email (the account, or the one it will be): one code's worth is free (a
# typo costs nothing), then each locks the email for 1, 2, 4 … minutes, at most 2 hours; the right code
# forgets them. Over 30 days of non-stop guessing that is at most 371 guesses, a chance of 0.037 % to
# hit the code (docs/architecture.md, Security; tests/unit/test_sign_in_backoff.py checks the sum).
WRONG_CODES = ratelimit.BackOff("signin-email", free=CODE_ATTEMPTS, base=60, cap=2 * 3600,
                                refusal="Too many wrong codes for this email: wait before trying again.")


@dataclass(frozen=True)
class OpenedSession:
    user: UserItem
    token: str
    csrf: str


def request_code(email: str, client_ip: str, language: str) -> None:
    """Email a fresh code. Says nothing about whether the email has an account."""
    ratelimit.limit("code-ip", client_ip, get_settings().codes_per_ip, WINDOW)
    ratelimit.limit("code-email", _email_key(email), CODES_PER_EMAIL, WINDOW)
    code = secrets.digits(CODE_DIGITS)
    expires = now() + timedelta(minutes=CODE_MINUTES)
    SignInCodeItem(
        *SignInCodeItem.key(email),
        code_hash=secrets.keyed_hash("code", email, code),
        expires_at=int(expires.timestamp()),
        attempts=0,
        ttl=expires,
    ).save()
    message = mail.compose(
        email,
        translate(language, "mail.sign_in.subject", code=code),
        translate(language, "mail.sign_in.body", code=code, minutes=CODE_MINUTES)
        + "\n\n"
        + translate(language, "mail.footer.why"),
    )
    mail.send(message)
    logger.info("sign-in code sent")


def open_session(email: str, code: str, client_ip: str, device: str, language: str) -> OpenedSession:
    # Wrong codes per address: a town hall's wifi or a mobile operator's shared address may carry a whole
    # launch evening's sign-ins; a guesser's tries are all wrong codes. Checked first, counted on a miss.
    ratelimit.check("signin-ip", client_ip, ATTEMPTS_PER_IP, WINDOW)
    item = _live_code(email)
    attempt = WRONG_CODES.attempt(_email_key(email))  # 429 while the email is locked out
    try:  # count the attempt first, in the database, so parallel guesses share the budget
        item.update(
            actions=[SignInCodeItem.attempts.add(1)],
            condition=SignInCodeItem.attempts < CODE_ATTEMPTS,
        )
    except UpdateError as error:
        attempt.release()  # nothing was tried
        if condition_failed(error):
            raise RateLimited("Too many wrong codes: ask for a new one.", retry_after=60) from None
        raise
    except BaseException:
        attempt.release()
        raise
    if not secrets.same(item.code_hash, secrets.keyed_hash("code", email, code)):
        ratelimit.limit("signin-ip", client_ip, ATTEMPTS_PER_IP, WINDOW)
        wait = attempt.failed()
        later = f" Wait {wait} seconds before the next try." if wait else ""
        raise InvalidInput(f"This code is not right.{later}", {"code": "wrong code"})
    attempt.succeeded()
    session, opened = _new_session(account_for_email(email, language), device)
    # A code opens one session only: using it up and opening the session are one transaction, so that
    # botocore sending it again after a lost answer is recognised (its ClientRequestToken), not refused
    # as "already used" (tests/api/test_lost_answers.py).
    try:
        with transaction() as t:
            t.delete(item, condition=SignInCodeItem.code_hash == item.code_hash)
            t.save(session)
    except TransactWriteError as error:
        if refused_conditions(error):
            raise InvalidInput("This code was already used.", {"code": "used"}) from None
        raise
    logger.info("session opened", user_id=opened.user.user_id)
    return opened


def start_session(user: UserItem, device: str) -> OpenedSession:
    """A new session of the account, carrying its principal; the caller proved who they are."""
    session, opened = _new_session(user, device)
    session.save()
    logger.info("session opened", user_id=user.user_id)
    return opened


def _new_session(user: UserItem, device: str) -> tuple[SessionItem, OpenedSession]:
    token, csrf = secrets.token(), secrets.token()
    stamp = now()
    expires = stamp + timedelta(days=SESSION_DAYS)
    session = SessionItem(
        *SessionItem.key(secrets.keyed_hash("session", token)),
        gsi1pk=SessionItem.user_key(user.user_id),
        gsi1sk=stamp.isoformat(),
        session_id=new_id(),
        user_id=user.user_id,
        csrf_hash=secrets.keyed_hash("csrf", csrf),
        device=device[:200],
        created_at=stamp,
        last_seen_at=stamp,
        expires_at=int(expires.timestamp()),
        ttl=expires,
        synced_at=time.time_ns(),
        **{name: getattr(user, name) for name in PRINCIPAL_FIELDS},
    )
    return session, OpenedSession(user=user, token=token, csrf=csrf)


def session_for(token: str) -> SessionItem:
    """The live session of a token; NotSignedIn when it is unknown, revoked or expired."""
    try:
        session = SessionItem.get(*SessionItem.key(secrets.keyed_hash("session", token)))
    except DoesNotExist:
        raise NotSignedIn("Your session has ended: sign in again.") from None
    if session.expires_at <= now().timestamp():
        raise NotSignedIn("Your session has ended: sign in again.")
    if now() - session.last_seen_at > LAST_SEEN_EVERY:
        session.update(actions=[SessionItem.last_seen_at.set(now())])
    return session


def keep_sessions_in_step(user_id: str) -> int:
    """Copy the account's residence and roles to each of its sessions, so that the next request of
    every open session sees the change (called after each change of a role or a residence). The copy
    is made after a strongly consistent read, stamped before it: a session keeps the newest copy."""
    stamp = time.time_ns()
    try:
        user = UserItem.get(*UserItem.key(user_id), consistent_read=True)
    except DoesNotExist:
        return close_all_sessions(user_id)
    actions = [SessionItem.synced_at.set(stamp)]
    for name in PRINCIPAL_FIELDS:
        value, attribute = getattr(user, name), getattr(SessionItem, name)
        # DynamoDB stores no empty set: an absent attribute reads as empty (or None) again
        actions.append(attribute.set(value) if value not in (None, set()) else attribute.remove())
    updated = 0
    for session in SessionItem.by_user.query(SessionItem.user_key(user_id)):
        try:
            session.update(actions=actions, condition=SessionItem.pk.exists()
                           & (SessionItem.synced_at.does_not_exist() | (SessionItem.synced_at < stamp)))
            updated += 1
        except UpdateError as error:
            if condition_failed(error):  # closed meanwhile, or a newer copy is there
                continue
            raise
    logger.info("sessions kept in step", user_id=user_id, count=updated)
    return updated


def principal_source(session: SessionItem) -> Any:
    """What the session's principal is built from: the session itself, which carries its account's copy; for a
    session opened before sessions did, its account, read once and copied onto the session (stamped before the
    read, like `keep_sessions_in_step`, and only if no copy came meanwhile). DoesNotExist: no account."""
    if session.synced_at is not None:
        return session
    stamp = time.time_ns()
    user = UserItem.get(*UserItem.key(session.user_id))
    actions = [SessionItem.synced_at.set(stamp)]
    actions += [getattr(SessionItem, name).set(getattr(user, name)) for name in PRINCIPAL_FIELDS
                if getattr(user, name) not in (None, set())]
    try:
        session.update(actions=actions, condition=SessionItem.pk.exists() & SessionItem.synced_at.does_not_exist())
    except UpdateError as error:
        if not condition_failed(error):
            raise
    return user


def csrf_matches(session: SessionItem, header: str | None, cookie: str | None) -> bool:
    if not header or not cookie or not secrets.same(header, cookie):
        return False
    return secrets.same(session.csrf_hash, secrets.keyed_hash("csrf", header))


def sessions_of(user_id: str) -> list[SessionItem]:
    live = now().timestamp()
    return [s for s in SessionItem.by_user.query(SessionItem.user_key(user_id)) if s.expires_at > live]


def close_all_sessions(user_id: str) -> int:
    sessions = list(SessionItem.by_user.query(SessionItem.user_key(user_id)))
    with SessionItem.batch_write() as batch:
        for session in sessions:
            batch.delete(session)
    logger.info("sessions closed", user_id=user_id, count=len(sessions))
    return len(sessions)


def _email_key(email: str) -> str:
    """An email in rate-limit keys: keyed, so the table holds no address in clear."""
    return secrets.keyed_hash("email", email)[:32]


def _live_code(email: str) -> SignInCodeItem:
    try:
        item = SignInCodeItem.get(*SignInCodeItem.key(email))
    except DoesNotExist:
        raise InvalidInput("No code is waiting for this email: ask for one.", {"code": "no code asked"}) from None
    if item.expires_at <= now().timestamp():
        raise InvalidInput("This code has expired: ask for a new one.", {"code": "expired"})
    return item


def account_for_email(email: str, language: str = "fr") -> UserItem:
    """The account of an email, created on first sign-in (one per email, by condition)."""
    try:
        return UserItem.get(*UserItem.key(EmailItem.get(*EmailItem.key(email)).user_id))
    except DoesNotExist:
        pass
    user = UserItem(
        *UserItem.key(new_id()), email=email, display_name="", name_chosen=False, languages=[language],
        created_at=now()
    )
    user.user_id = user.pk.removeprefix("USER#")
    try:
        with transaction() as writes:
            writes.save(EmailItem(*EmailItem.key(email), user_id=user.user_id), condition=EmailItem.pk.does_not_exist())
            writes.save(user, condition=UserItem.pk.does_not_exist())
    except (TransactWriteError, PutError):
        # Someone signed in with the same email at the same moment: theirs is the account.
        return UserItem.get(*UserItem.key(EmailItem.get(*EmailItem.key(email)).user_id))
    logger.info("account created", user_id=user.user_id)
    return user

