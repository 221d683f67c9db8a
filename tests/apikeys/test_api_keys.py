"""API keys: shown once, stored hashed, scoped, limited to a community or a unit, revocable."""

import hashlib
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import ApiKey
from app.core.config import Settings
from app.core.runtime import Runtime
from app.main import create_app
from tests.apikeys.factories import issue_key
from tests.cases.factories import OTHER_GRID, Steps, after_photo
from tests.clients import english_client
from tests.factories import COMMUNITY, GRID_POINT, assert_problem
from tests.fixtures.people import People, unit_code_of
from tests.fixtures.reports import make_report
from tests.photos.factories import make_jpeg

READ, WRITE, CASES = "reports:read", "reports:write", "cases:write"


def _report_form(**overrides: str) -> dict[str, str]:
    lon, lat = GRID_POINT
    form = {"category": "0102", "client_id": str(uuid.uuid4()), "lat": str(lat), "lon": str(lon)}
    form.update(overrides)
    return form


def test_the_key_is_shown_once_and_only_its_hash_is_kept(
    client: TestClient, people: People, session: Session
) -> None:
    response = client.post(
        "/api/v1/api-keys", headers=people.admin.headers, json={"name": "热线", "scopes": [READ]}
    )
    assert response.status_code == 201, response.text
    issued = response.json()
    assert issued["key"].startswith(issued["key_prefix"] + "_")
    stored = session.exec(select(ApiKey)).one()
    assert issued["key"] not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == hashlib.sha256(issued["key"].encode()).hexdigest()
    listed = client.get("/api/v1/api-keys", headers=people.admin.headers).json()["items"]
    assert [item["id"] for item in listed] == [issued["id"]]
    assert "key" not in listed[0]
    assert listed[0]["scopes"] == [READ]


def test_only_admins_manage_keys(client: TestClient, people: People) -> None:
    body = {"name": "x", "scopes": [READ]}
    assert_problem(
        client.post("/api/v1/api-keys", headers=people.coordinator.headers, json=body), 403
    )
    key = issue_key(client, people.admin, READ, WRITE, CASES)
    assert_problem(client.get("/api/v1/api-keys", headers=key.headers), 403)


def test_a_key_sends_a_report_on_the_api_channel_named_in_the_timeline(
    client: TestClient, people: People
) -> None:
    key = issue_key(client, people.admin, READ, WRITE, name="数字城管平台")
    response = client.post(
        "/api/v1/reports",
        headers=key.headers,
        data=_report_form(channel="app", description="井盖缺失"),
        files=[after_photo()],
    )
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["channel"] == "api"
    events = client.get(f"/api/v1/reports/{report['id']}/events", headers=key.headers).json()
    actor = events["items"][0]["actor"]
    assert actor["name"] == "数字城管平台"
    assert actor["integration"] is True
    seen = client.get(f"/api/v1/reports/{report['id']}", headers=people.coordinator.headers)
    assert seen.json()["channel"] == "api"


def test_a_key_report_needs_no_photo(client: TestClient, people: People) -> None:
    key = issue_key(client, people.admin, WRITE)
    response = client.post("/api/v1/reports", headers=key.headers, data=_report_form())
    assert response.status_code == 201, response.text
    assert response.json()["photos"] == []


def test_a_key_without_the_scope_gets_403(
    client: TestClient, people: People, session: Session
) -> None:
    reader = issue_key(client, people.admin, READ)
    writer = issue_key(client, people.admin, WRITE)
    report = make_report(session, people.rider.id)
    assert_problem(client.post("/api/v1/reports", headers=reader.headers, data=_report_form()), 403)
    assert_problem(client.get("/api/v1/reports", headers=writer.headers), 403)
    assert_problem(
        client.post(f"/api/v1/reports/{report.id}/accept", headers=reader.headers, json={}), 403
    )
    assert client.get(f"/api/v1/reports/{report.id}", headers=reader.headers).status_code == 200


def test_a_key_may_not_call_endpoints_made_for_people(client: TestClient, people: People) -> None:
    key = issue_key(client, people.admin, READ, WRITE, CASES)
    for path in ("/api/v1/me", "/api/v1/me/notifications", "/api/v1/stats", "/api/v1/riders"):
        body = assert_problem(client.get(path, headers=key.headers), 403)
        assert "API" in body["detail"] or "role" in body["detail"]


def test_a_revoked_key_is_refused_at_its_next_request(client: TestClient, people: People) -> None:
    key = issue_key(client, people.admin, READ)
    assert client.get("/api/v1/reports", headers=key.headers).status_code == 200
    revoked = client.delete(f"/api/v1/api-keys/{key.id}", headers=people.admin.headers)
    assert revoked.status_code == 204
    assert_problem(client.get("/api/v1/reports", headers=key.headers), 401)
    listed = client.get("/api/v1/api-keys", headers=people.admin.headers).json()["items"]
    assert listed[0]["revoked_at"] is not None


def test_a_wrong_or_forged_key_is_401(client: TestClient, people: People) -> None:
    key = issue_key(client, people.admin, READ)
    good = key.headers["X-API-Key"]
    for forged in (good[:-1] + ("A" if good[-1] != "A" else "B"), "tk_nothing_here", "x" * 500):
        assert_problem(client.get("/api/v1/reports", headers={"X-API-Key": forged}), 401)


def test_last_use_is_recorded(client: TestClient, people: People) -> None:
    key = issue_key(client, people.admin, READ)
    assert (
        client.get("/api/v1/api-keys", headers=people.admin.headers).json()["items"][0][
            "last_used_at"
        ]
        is None
    )
    client.get("/api/v1/reports", headers=key.headers)
    listed = client.get("/api/v1/api-keys", headers=people.admin.headers).json()["items"]
    assert listed[0]["last_used_at"] is not None


def test_the_account_of_a_key_cannot_log_in(
    client: TestClient, people: People, session: Session
) -> None:
    issue_key(client, people.admin, READ)
    prefix = session.exec(select(ApiKey.prefix)).one()
    session.rollback()  # end the test's own transaction: logins write their failures
    # The stored marker itself is not a password: it is no argon2 hash, so nothing matches it.
    response = client.post(
        "/api/v1/auth/token", data={"username": f"api-key:{prefix}", "password": "!api-key"}
    )
    assert_problem(response, 401)


def test_a_community_key_sees_and_changes_nothing_of_another(
    client: TestClient, people: People, session: Session
) -> None:
    key = issue_key(client, people.admin, READ, WRITE, CASES, community_code=COMMUNITY)
    mine = make_report(session, people.rider.id)
    theirs = make_report(session, people.rider.id, grid=OTHER_GRID)
    listed = client.get("/api/v1/reports", headers=key.headers).json()["items"]
    assert [item["id"] for item in listed] == [mine.id]
    assert_problem(client.get(f"/api/v1/reports/{theirs.id}", headers=key.headers), 404)
    assert_problem(
        client.post(f"/api/v1/reports/{theirs.id}/accept", headers=key.headers, json={}), 404
    )
    accepted = client.post(f"/api/v1/reports/{mine.id}/accept", headers=key.headers, json={})
    assert accepted.status_code == 200, accepted.text
    # A point in the other town: this key may not put reports there.
    elsewhere = _report_form(lat="32.93", lon="117.60")
    assert_problem(client.post("/api/v1/reports", headers=key.headers, data=elsewhere), 403)


def test_a_burst_beyond_the_key_limit_gets_429(
    settings: Settings, runtime: Runtime, people: People
) -> None:
    limited = Runtime(
        settings=settings.model_copy(update={"rate_limits": True}),
        engine=runtime.engine,
        writer=runtime.writer,
    )
    with english_client(create_app(runtime=limited)) as client:
        key = issue_key(client, people.admin, READ, rate_limit_per_minute=3)
        answers = [client.get("/api/v1/reports", headers=key.headers) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert_problem(answers[-1], 429)


def test_an_external_unit_key_acts_on_its_own_tasks_only(
    client: TestClient, people: People, steps: Steps, session: Session
) -> None:
    ours = people.property_unit
    unit_key = issue_key(client, people.admin, READ, CASES, unit_code=unit_code_of(ours))
    report = make_report(session, people.rider.id)
    steps.accept(report.id)  # type: ignore[arg-type]
    task = steps.dispatch(report.id, ours)  # type: ignore[arg-type]
    other = make_report(session, people.rider.id)
    steps.accept(other.id)  # type: ignore[arg-type]
    foreign_task = steps.dispatch(other.id, people.law_unit)  # type: ignore[arg-type]

    tasks = client.get("/api/v1/tasks", headers=unit_key.headers).json()["items"]
    assert [t["id"] for t in tasks] == [task["id"]]
    assert_problem(
        client.post(f"/api/v1/tasks/{foreign_task['id']}/accept", headers=unit_key.headers), 404
    )
    assert client.post(f"/api/v1/tasks/{task['id']}/accept", headers=unit_key.headers).is_success
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=unit_key.headers,
        data={"note": "已由物业系统处理"},
        files=[("photo", ("after.jpg", make_jpeg(64, 48), "image/jpeg"))],
    )
    assert done.status_code == 200, done.text
    assert steps.report(report.id)["status"] == "resolved"  # type: ignore[arg-type]
    dispatch = client.post(
        f"/api/v1/reports/{other.id}/tasks",
        headers=unit_key.headers,
        json={"unit_code": unit_code_of(ours)},
    )
    assert_problem(dispatch, 404)
