import json
import os
import urllib.request
from email import message_from_bytes, policy

from chalicelib.adapters.mail import compose, send


def test_local_mail_is_sent_through_ses_and_kept_in_the_outbox(outbox, capsys):
    message = compose("anna@example.lu", "Äre Code: 123456", "Moien Anna", "<p>Moien Anna</p>")

    message_id = send(message)

    kept = sorted(outbox.glob("*anna@example.lu.eml"))
    assert kept, "no .eml in the outbox"
    copy = message_from_bytes(kept[-1].read_bytes(), policy=policy.default)
    assert copy["To"] == "anna@example.lu"
    assert "Moien Anna" in copy.get_body(("plain",)).get_content()
    assert "mail to anna@example.lu: Äre Code: 123456" in capsys.readouterr().out
    with urllib.request.urlopen(f"{os.environ['NOPER_AWS_ENDPOINT']}/moto-api/data.json") as answer:
        sent = json.load(answer)["ses"]["RawMessage"]
    assert message_id in [raw["id"] for raw in sent]
