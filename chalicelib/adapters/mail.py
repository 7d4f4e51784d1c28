"""Sending email: SES v2 in AWS (moto server locally). The local stage also keeps a copy of every
message as an .eml file in the outbox folder and prints who it went to, so a developer can sign in
without a mail server."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from pathlib import Path

from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.config import get_settings
from chalicelib.observability import logger


class MailPolicy(EmailPolicy):
    """The default email policy, except that the list headers are written as they are: RFC 2369 and
    RFC 8058 want `<https://…>` verbatim, and Python would RFC 2047-encode a value longer than a line,
    which no mail client reads as a link (nor would a DKIM signature over it help)."""

    VERBATIM = frozenset({"list-unsubscribe", "list-unsubscribe-post", "list-id"})

    def _fold(self, name: str, value: str, refold_binary: bool = False) -> str:
        if name.lower() not in self.VERBATIM:
            return super()._fold(name, value, refold_binary)  # type: ignore[misc]
        text = str(value)
        if not text.isascii() or "\r" in text or "\n" in text or len(name) + 2 + len(text) > 998:
            raise ValueError(f"{name} must be one line of ASCII (RFC 5322): {text!r}")
        return f"{name}: {text}{self.linesep}"


# Lines are folded at 78 characters like the default; CRLF, as SES and SMTP want it.
POLICY = MailPolicy(linesep="\r\n")


def compose(to: str, subject: str, text: str, html: str | None = None, headers: dict[str, str] | None = None) -> EmailMessage:
    settings = get_settings()
    message = EmailMessage(policy=POLICY)
    message["From"] = settings.mail_sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.mail_sender.rpartition("@")[2] or "noper")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send(message: EmailMessage) -> str:
    """Send one message; returns the provider's message id."""
    settings = get_settings()
    if settings.outbox_dir:
        path = _keep_in_outbox(message, Path(settings.outbox_dir))
        print(f"mail to {message['To']}: {message['Subject']}  ({path})", flush=True)
    response = client("sesv2").send_email(
        FromEmailAddress=settings.mail_sender,
        Destination={"ToAddresses": [message["To"]]},
        Content={"Raw": {"Data": message.as_bytes()}},
    )
    logger.info("mail sent", message_id=response["MessageId"])
    return response["MessageId"]


def _keep_in_outbox(message: EmailMessage, outbox: Path) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", str(message["To"]))
    path = outbox / f"{now():%Y%m%dT%H%M%S%f}-{recipient}.eml"
    path.write_bytes(bytes(message))
    return path
