"""The commune's audit log: every staff decision is recorded (in the decision's transaction where it is
one), and the commune's admins read it, newest first, by pages; staff by name, never by email."""

from chalicelib.communes.audit import CommuneAuditItem, audit_log
from chalicelib.consultations import service as consultations
from tests.api.test_posts import clervaux
from tests.api.test_letters import PDF, pending_resident, resident_headers, staff_headers
from tests.api.test_residence import publish_clervaux
from tests.consultations.test_consultations import draft, published
from tests.helpers import STAFF, body, error_of

__all__ = ["clervaux"]  # the fixture, reused
AUDIT = "/api/v1/communes/0501/audit"


def entries(client, headers, **query):
    url = AUDIT + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.body
    return response.json_body


def ok(response, status=200):
    assert response.status_code == status, response.body
    return response.json_body


def test_every_staff_decision_is_in_the_audit_log_with_the_staff_members_name(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="marie.admin@clervaux.lu", role="admin")
    clerk = staff_headers(client, outbox, email="jos.clerk@clervaux.lu", role="verifier")
    ok(client.patch("/api/v1/me", headers=admin, body=body({"display_name": "Marie Weber"})))
    admin_id = client.get("/api/v1/me", headers=admin).json_body["id"]
    clerk_id = client.get("/api/v1/me", headers=clerk).json_body["id"]
    anna, ben = pending_resident("anna@example.lu"), pending_resident("ben@example.lu", "7973-46")

    # the commune and its neighbourhoods
    ok(client.put("/api/v1/communes/0501", headers=admin, body=body({"name": "Clervaux"})))
    version = ok(client.get("/api/v1/communes/0501/neighbourhood-draft", headers=admin))["version"]
    ok(client.post("/api/v1/communes/0501/neighbourhood-draft/publish", headers=admin, body=body({"version": version})))
    imported = ok(client.post("/api/v1/communes/0501/address-imports", headers=admin,
                              body=body({"filename": "caclr.csv", "size": 1000})), 201)
    # residents: letters, decisions, appointments
    assert client.post("/api/v1/communes/0501/letters", headers={**clerk, **PDF},
                       body=body({"pending": True})).status_code == 201
    ok(client.post(f"/api/v1/communes/0501/verifications/{anna.user_id}", headers=clerk,
                   body=body({"decision": "approve"})))
    ok(client.post(f"/api/v1/communes/0501/verifications/{ben.user_id}", headers=clerk,
                   body=body({"decision": "reject", "reason": "Not in the population register"})))
    ok(client.put(f"/api/v1/communes/0501/ambassadors/{anna.user_id}", headers=admin))
    ok(client.delete(f"/api/v1/communes/0501/ambassadors/{anna.user_id}", headers=admin))
    ok(client.put(f"/api/v1/communes/0501/moderators/{anna.user_id}", headers=admin))
    ok(client.delete(f"/api/v1/communes/0501/moderators/{anna.user_id}", headers=admin))
    # the channel: publishers, settings, links
    publisher = ok(client.post("/api/v1/communes/0501/publishers", headers=admin, body=body(
        {"kind": "partner", "name": "Jugendhaus", "purpose": "Youth work", "contact": "info@jugendhaus.lu",
         "non_commercial": True})), 201)
    status_url = f"/api/v1/communes/0501/publishers/{publisher['id']}/status"
    ok(client.put(status_url, headers=admin, body=body({"status": "suspended"})))
    ok(client.put(status_url, headers=admin, body=body({"status": "active"})))
    ok(client.put("/api/v1/communes/0501/publishing-settings", headers=admin, body=body({"partner_approval": False})))
    link = ok(client.post("/api/v1/communes/0501/publisher-links", headers=admin,
                          body=body({"publisher_id": publisher["id"]})), 201)
    ok(client.delete(f"/api/v1/communes/0501/publisher-links/{link['id']}", headers=admin))

    log = entries(client, admin)

    seen = [(e["action"], e["by"]["id"], e["subject_type"], e["subject_id"]) for e in log["entries"]]
    assert seen == [
        ("publisher_link_revoked", admin_id, "publisher_link", link["id"]),
        ("publisher_link_issued", admin_id, "publisher_link", link["id"]),
        ("publishing_settings_changed", admin_id, "commune", "0501"),
        ("publisher_activated", admin_id, "publisher", publisher["id"]),
        ("publisher_suspended", admin_id, "publisher", publisher["id"]),
        ("publisher_registered", admin_id, "publisher", publisher["id"]),
        ("moderator_dismissed", admin_id, "resident", anna.user_id),
        ("moderator_appointed", admin_id, "resident", anna.user_id),
        ("ambassador_dismissed", admin_id, "resident", anna.user_id),
        ("ambassador_appointed", admin_id, "resident", anna.user_id),
        ("residence_rejected", clerk_id, "resident", ben.user_id),
        ("residence_approved", clerk_id, "resident", anna.user_id),
        ("letters_printed", clerk_id, "letter_batch", seen[12][3]),
        ("address_import_started", admin_id, "address_import", imported["import_id"]),
        ("neighbourhoods_published", admin_id, "neighbourhoods", str(version)),
        ("commune_settings_changed", admin_id, "commune", "0501"),
        # the operator's command line (`./noper staff add`, as staff_headers does): no account
        ("staff_role_granted", None, "staff_role", f"{clerk_id}:verifier"),
        ("staff_role_granted", None, "staff_role", f"{admin_id}:admin"),
        ("neighbourhoods_published", None, "neighbourhoods", "1"),  # publish_clervaux: no account (a script)
    ]
    names = {e["by"]["id"]: e["by"]["name"] for e in log["entries"]}
    # the clerk never chose a name: none is shown (never the email's first part)
    assert names == {admin_id: "Marie Weber", clerk_id: None, None: None}
    rejected = next(e for e in log["entries"] if e["action"] == "residence_rejected")
    assert rejected["reason"] == "Not in the population register"
    # staff by name, never by email; residents by id only
    text = client.get(AUDIT, headers=admin).body.decode()
    assert "@" not in text and "anna" not in text and log["cursor"] is None


def test_a_refused_decision_leaves_no_audit_entry(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    clerk_id = client.get("/api/v1/me", headers=clerk).json_body["id"]
    assert client.put("/api/v1/me/residence", headers=clerk, body=body({"address_id": "7984-20"})).status_code == 200

    refused = client.post(f"/api/v1/communes/0501/verifications/{clerk_id}", headers=clerk,
                          body=body({"decision": "approve"}))

    assert refused.status_code == 403
    recorded = [item.action for item in CommuneAuditItem.query(CommuneAuditItem.partition("0501"))]
    # publish_clervaux's and the clerk's grant (staff_headers), and nothing of the refusal
    assert recorded == ["neighbourhoods_published", "staff_role_granted"]


def test_publishing_a_consultation_is_recorded_in_its_transaction(client, act_as, clervaux):

    consultation = published(client, act_as, draft())

    entry = audit_log("0501").entries[0]
    assert (entry.action, entry.by.id, entry.subject_type, entry.subject_id) == \
        ("consultation_published", STAFF.user_id, "consultation", consultation["id"])
    assert consultations.staff_get("0501", consultation["id"]).status == "published"


def test_the_audit_log_is_for_the_communes_admins_only(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    for role in ("verifier", "editor"):
        staff = staff_headers(client, outbox, email=f"{role}@clervaux.lu", role=role)
        assert client.get(AUDIT, headers=staff).status_code == 403, role
    other_admin = staff_headers(client, outbox, email="admin@consdorf.lu", lau2="1004", role="admin")
    resident = resident_headers(client, outbox, "anna@example.lu")

    assert client.get(AUDIT, headers=other_admin).status_code == 403
    assert client.get(AUDIT, headers=resident).status_code == 403
    assert client.get(AUDIT).status_code == 401
    assert client.get(AUDIT, headers=admin).status_code == 200


def test_the_log_pages_newest_first_and_a_bad_cursor_is_refused_naming_it(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    for partner_approval in (False, True, False):  # after publish_clervaux's and the grant's: 5 in all
        ok(client.put("/api/v1/communes/0501/publishing-settings", headers=admin,
                      body=body({"partner_approval": partner_approval})))

    first = entries(client, admin, limit=2)
    second = entries(client, admin, limit=2, cursor=first["cursor"])
    third = entries(client, admin, limit=2, cursor=second["cursor"])

    reasons = [e["reason"] for page in (first, second, third) for e in page["entries"]]
    assert len(reasons) == 5 and third["cursor"] is None
    assert [r.endswith("wait for approval") for r in reasons[:3]] == [False, True, False]
    assert [e["action"] for e in second["entries"]][1:] == ["staff_role_granted"]
    assert third["entries"][0]["action"] == "neighbourhoods_published"
    ats = [e["at"] for page in (first, second, third) for e in page["entries"]]
    assert ats == sorted(ats, reverse=True)
    for bad in ("nope", first["cursor"][:-4] + "AAAA"):  # well-formed, but no page of this log
        response = client.get(f"{AUDIT}?cursor={bad}", headers=admin)
        assert response.status_code == 404 and error_of(response)["fields"] == {"cursor": "not one this list gave"}, bad
    assert client.get(f"{AUDIT}?cursor=no%20way", headers=admin).status_code == 400  # not base64url
    assert client.get(f"{AUDIT}?limit=0", headers=admin).status_code == 400


def _named_admin(client, outbox, name="Marie Weber"):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="marie.admin@clervaux.lu", role="admin")
    ok(client.patch("/api/v1/me", headers=admin, body=body({"display_name": name})))
    return admin, client.get("/api/v1/me", headers=admin).json_body["id"]


def _decide(client, admin, partner_approval=False):
    ok(client.put("/api/v1/communes/0501/publishing-settings", headers=admin,
                  body=body({"partner_approval": partner_approval})))


def test_an_entry_keeps_the_name_at_the_decision_and_a_page_is_one_query_after_the_session(client, outbox):
    from chalicelib.store.calls import count_dynamodb_calls

    admin, admin_id = _named_admin(client, outbox)
    _decide(client, admin)
    ok(client.patch("/api/v1/me", headers=admin, body=body({"display_name": "Marie Schmit"})))
    _decide(client, admin, True)

    for query in ({}, {"limit": 1}):
        with count_dynamodb_calls() as calls:
            first = entries(client, admin, **query)
        assert calls == {"GetItem": 1, "Query": 1}, query  # the session, the page: no read of the accounts
    with count_dynamodb_calls() as calls:
        second = entries(client, admin, limit=1, cursor=first["cursor"])
    assert calls == {"GetItem": 1, "Query": 1}

    log = entries(client, admin)
    mine = [e["by"]["name"] for e in log["entries"] if e["by"]["id"] == admin_id]
    assert mine == ["Marie Schmit", "Marie Weber"]  # who acted, as known then
    assert first["entries"][0]["by"]["name"] == "Marie Schmit" and second["entries"][0]["by"]["name"] == "Marie Weber"


def test_erasing_a_staff_account_removes_its_name_from_the_log_and_keeps_its_decisions(client, outbox):
    admin, admin_id = _named_admin(client, outbox)
    other = staff_headers(client, outbox, email="jos.admin@clervaux.lu", role="admin")
    _decide(client, admin)
    _decide(client, admin, True)

    assert client.delete("/api/v1/me?content=remove", headers=admin).status_code == 204

    log = entries(client, other)
    theirs = [e for e in log["entries"] if e["by"]["id"] == admin_id]
    assert [e["action"] for e in theirs] == ["publishing_settings_changed"] * 2
    assert {e["by"]["name"] for e in theirs} == {None}
    stored = list(CommuneAuditItem.query(CommuneAuditItem.partition("0501"), consistent_read=True))
    assert all("Marie" not in (item.actor_name or "") for item in stored)
    assert not list(CommuneAuditItem.gsi1.query(CommuneAuditItem.actor_key(admin_id)))


def test_entries_written_before_names_were_kept_are_named_by_the_upgrade_step(client, outbox):
    from chalicelib.communes.audit import name_entries
    from chalicelib.store.calls import count_dynamodb_calls

    admin, admin_id = _named_admin(client, outbox)
    _decide(client, admin)
    for item in CommuneAuditItem.query(CommuneAuditItem.partition("0501")):  # as written before names were kept
        item.update(actions=[CommuneAuditItem.actor_name.remove(), CommuneAuditItem.gsi1pk.remove(),
                             CommuneAuditItem.gsi1sk.remove()])

    with count_dynamodb_calls() as calls:
        before = entries(client, admin)
    assert calls == {"GetItem": 1, "Query": 1, "BatchGetItem": 1}  # until the step ran: the names as they are now
    assert before["entries"][0]["by"] == {"id": admin_id, "name": "Marie Weber"}

    assert name_entries("0501") == 3  # the admin's decision, and two of the operator's command line (no account)
    assert name_entries("0501") == 0  # idempotent
    with count_dynamodb_calls() as calls:
        after = entries(client, admin)
    assert calls == {"GetItem": 1, "Query": 1}
    assert after["entries"] == before["entries"]
    assert [item.actor_id for item in CommuneAuditItem.gsi1.query(CommuneAuditItem.actor_key(admin_id))] == [admin_id]
