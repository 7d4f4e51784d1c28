"""`./noper moderator add|remove EMAIL --commune LAU2`: the commune's moderators, verified residents only."""

from chalicelib.accounts.models import UserItem
from chalicelib.verification import service
from tests.api.test_letters import pending_resident
from tests.api.test_residence import publish_clervaux
from tests.stack.test_neighbourhoods_cli import run_noper


def test_a_verified_resident_is_appointed_and_dismissed_as_the_communes_moderator():
    publish_clervaux()
    anna = pending_resident("anna@example.lu")

    refused = run_noper("moderator", "add", "anna@example.lu", "--commune", "0501")
    service.decide("0501", anna.user_id, True, None, "test")
    elsewhere = run_noper("moderator", "add", "anna@example.lu", "--commune", "1004")
    appointed = run_noper("moderator", "add", "anna@example.lu", "--commune", "0501")

    assert refused.returncode == 1 and "verified resident" in refused.stderr, refused.stderr
    assert elsewhere.returncode == 1 and "Traceback" not in elsewhere.stderr
    assert appointed.returncode == 0 and "moderator of commune 0501" in appointed.stdout, appointed.stderr
    assert UserItem.get(*UserItem.key(anna.user_id)).moderator_of == {"0501"}
    dismissed = run_noper("moderator", "remove", "anna@example.lu", "--commune", "0501")
    assert dismissed.returncode == 0 and not UserItem.get(*UserItem.key(anna.user_id)).moderator_of
    # Both decisions are in the commune's audit log, as the operator's (no account)
    from chalicelib.communes.audit import audit_log

    logged = [(e.action, e.by.id, e.subject_id) for e in audit_log("0501").entries if e.subject_type == "resident"]
    assert logged[:2] == [("moderator_dismissed", None, anna.user_id), ("moderator_appointed", None, anna.user_id)]
