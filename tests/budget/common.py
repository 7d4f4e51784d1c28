"""What the participatory budget's tests share: a commune, its residents, an edition moved through its phases."""

from datetime import timedelta

from chalicelib.adapters import clock
from chalicelib.policy import Principal
from tests.api.test_posts import make_user
from tests.helpers import JSON, STAFF, body

LANGS = ("lb", "fr", "de", "en", "pt")
BASE = "/api/v1/communes/0501/budgets"
N1, N2 = "0501-n1", "0501-n2"


def every(text):
    return {lang: f"{text} ({lang})" for lang in LANGS}


def person(user_id, nbh=N1, lau2="0501", status="verified"):
    return Principal(user_id=user_id, lau2=lau2, neighbourhood_id=nbh, residence_status=status,
                     address_id=f"A-{user_id}")


def resident(user_id, nbh=N1):
    """A verified resident of Clervaux with an account."""
    principal = person(user_id, nbh)
    make_user(principal, f"{user_id.lower()}@example.org", principal.address_id)
    return principal


def commune(client, act_as):
    act_as(STAFF)
    assert client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux"})).status_code in (200, 201)


def edition_payload(ballot=None, envelopes=(), amount=100_000, threshold=1, rule="greedy", **changes):
    at = clock.now()
    dates = {phase: (at + timedelta(days=offset)).isoformat()
             for phase, offset in (("proposals", -1), ("review", 20), ("voting", 40), ("results", 60),
                                   ("implementation", 90))}
    payload = {"name": every("Budget 2027"), "text": every("Propose what the commune should build."),
               "amount_cents": amount, "envelopes": list(envelopes),
               "ballot": ballot or {"type": "approval"}, "minimum_age": 16, "support_threshold": threshold,
               "rule": rule, "dates": dates}
    payload.update(changes)
    return payload


def created(client, act_as, payload=None):
    act_as(STAFF)
    response = client.post(BASE, headers=JSON, body=body(payload or edition_payload()))
    assert response.status_code == 201, response.body
    return response.json_body


def move(client, act_as, edition_id, phase):
    act_as(STAFF)
    current = client.get(f"{BASE}/{edition_id}").json_body
    response = client.post(f"{BASE}/{edition_id}/phase", headers=JSON,
                           body=body({"phase": phase, "version": current["version"]}))
    assert response.status_code == 200, response.body
    return response.json_body


def proposed(client, act_as, who, edition_id, title="Benches", cents=20_000, **extra):
    act_as(who)
    payload = {"title": title, "description": f"{title} for the square", "category": "public_space",
               "estimated_cents": cents, **extra}
    response = client.post(f"{BASE}/{edition_id}/proposals", headers=JSON, body=body(payload))
    assert response.status_code == 201, response.body
    return response.json_body


def feasible(client, act_as, edition_id, proposal_id, cents):
    act_as(STAFF)
    response = client.post(f"{BASE}/{edition_id}/proposals/{proposal_id}/review", headers=JSON,
                           body=body({"decision": "feasible", "final_cents": cents, "reason": "Checked by the works."}))
    assert response.status_code == 200, response.body
    return response.json_body


def ready_to_vote(client, act_as, costs=(30_000, 50_000, 40_000), **edition):
    """An edition in its voting phase with feasible projects of these costs; returns (edition, project ids)."""
    commune(client, act_as)
    item = created(client, act_as, edition_payload(**edition))
    author = resident("U-author")
    ids = [proposed(client, act_as, author, item["id"], title=f"Project {i}", cents=cost)["id"]
           for i, cost in enumerate(costs)]
    supporter = resident("U-supporter")
    for pid in ids:
        act_as(supporter)
        assert client.put(f"{BASE}/{item['id']}/proposals/{pid}/support").status_code == 201
    move(client, act_as, item["id"], "review")
    for pid, cost in zip(ids, costs):
        feasible(client, act_as, item["id"], pid, cost)
    move(client, act_as, item["id"], "voting")
    return item, ids
