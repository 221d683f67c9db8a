"""Role guards and the injected scope: one refusal per rule, one scope and one key check per
request."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

import app.accounts.scope
from app.core.config import Settings
from app.core.runtime import Runtime
from app.main import create_app
from tests.apikeys.factories import issue_key
from tests.clients import english_client
from tests.factories import COMMUNITY, assert_problem
from tests.fixtures.people import People, unit_code_of
from tests.fixtures.reports import make_report

ROLE_REFUSAL = "Your role may not do this."

# (who, method, path, detail): each guard's refusal, word for word as before the guards.
REFUSALS = [
    ("rider", "GET", "/api/v1/tasks", "Tasks are for handling units and coordinators."),
    ("rider", "GET", "/api/v1/units", "Only coordinators and admins list handling units."),
    ("unit", "GET", "/api/v1/rewards", ROLE_REFUSAL),
    ("unit", "GET", "/api/v1/notices", ROLE_REFUSAL),
    ("unit", "GET", "/api/v1/notices/1", ROLE_REFUSAL),
    ("unit", "GET", "/api/v1/verifications", ROLE_REFUSAL),
    ("rider", "GET", "/api/v1/riders", ROLE_REFUSAL),
    ("coordinator", "GET", "/api/v1/webhooks", ROLE_REFUSAL),
    ("coordinator", "GET", "/api/v1/me/profile", "Only riders have a rider profile."),
    ("unit", "GET", "/api/v1/me/redemptions", ROLE_REFUSAL),
]


@pytest.mark.parametrize(("who", "method", "path", "detail"), REFUSALS)
def test_each_guard_refuses_the_roles_its_rule_does_not_admit(
    client: TestClient, people: People, who: str, method: str, path: str, detail: str
) -> None:
    person = getattr(people, who)
    body = assert_problem(client.request(method, path, headers=person.headers), 403)
    assert body["detail"] == detail


def test_a_dispatch_reads_the_coordinators_scope_once(
    client: TestClient,
    people: People,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = make_report(session, people.rider.id)
    coordinator = people.coordinator.headers
    accepted = client.post(f"/api/v1/reports/{report.id}/accept", headers=coordinator, json={})
    assert accepted.status_code == 200, accepted.text
    reads: list[Any] = []
    area_codes_of = app.accounts.scope.area_codes_of

    def counted(*args: Any) -> Any:
        reads.append(args)
        return area_codes_of(*args)

    monkeypatch.setattr(app.accounts.scope, "area_codes_of", counted)
    body = {"unit_code": unit_code_of(people.property_unit)}
    dispatched = client.post(f"/api/v1/reports/{report.id}/tasks", headers=coordinator, json=body)

    assert dispatched.status_code == 201, dispatched.text
    assert len(reads) == 1


def test_a_guarded_scoped_route_counts_an_api_key_once(
    settings: Settings, runtime: Runtime, people: People
) -> None:
    limited = Runtime(
        settings=settings.model_copy(update={"rate_limits": True}),
        engine=runtime.engine,
        writer=runtime.writer,
    )
    with english_client(create_app(runtime=limited)) as client:
        limit = 2
        key = issue_key(
            client,
            people.admin,
            "reports:read",
            community_code=COMMUNITY,
            rate_limit_per_minute=limit,
        )
        answers = [client.get("/api/v1/tasks", headers=key.headers) for _ in range(limit + 1)]
    assert [a.status_code for a in answers] == [200, 200, 429]
