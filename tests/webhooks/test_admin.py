"""Managing subscriptions: admins only, secrets never shown back, delivery URLs checked."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.runtime import Runtime
from app.main import create_app
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.webhooks.factories import SECRET, subscribe

PUBLIC_URL = "https://93.184.215.14/hook"  # a public address literal: no DNS look-up needed


def test_admin_creates_lists_and_deletes_a_webhook_without_its_secret_shown(
    client: TestClient, people: People
) -> None:
    created = subscribe(client, people.admin, PUBLIC_URL, events=["report.created"])
    assert created["events"] == ["report.created"]
    assert "secret" not in created
    listed = client.get("/api/v1/webhooks", headers=people.admin.headers)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]
    assert SECRET not in listed.text
    gone = client.delete(f"/api/v1/webhooks/{created['id']}", headers=people.admin.headers)
    assert gone.status_code == 204
    assert client.get("/api/v1/webhooks", headers=people.admin.headers).json()["items"] == []
    again = client.delete(f"/api/v1/webhooks/{created['id']}", headers=people.admin.headers)
    assert_problem(again, 404)


def test_webhooks_are_for_admins_only(client: TestClient, people: People) -> None:
    hook = subscribe(client, people.admin, PUBLIC_URL)
    body = {"url": PUBLIC_URL, "events": ["report.created"], "secret": SECRET}
    coordinator = people.coordinator.headers
    assert_problem(client.post("/api/v1/webhooks", json=body, headers=coordinator), 403)
    assert_problem(client.get("/api/v1/webhooks", headers=coordinator), 403)
    assert_problem(client.delete(f"/api/v1/webhooks/{hook['id']}", headers=coordinator), 403)
    assert_problem(
        client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=coordinator), 403
    )
    assert_problem(client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=coordinator), 403)
    assert_problem(client.post("/api/v1/webhooks", json=body), 401)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("events", {"events": ["report.deleted"]}),
        ("events", {"events": []}),
        ("secret", {"secret": "short"}),
        ("url", {"url": "ftp://93.184.215.14/hook"}),
        ("url", {"url": "https://user:pw@93.184.215.14/hook"}),
        ("community_code", {"community_code": "999"}),
        ("unit_code", {"unit_code": "no-such-unit"}),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(
    client: TestClient, people: People, field: str, changes: dict[str, object]
) -> None:
    body = {"url": PUBLIC_URL, "events": ["report.created"], "secret": SECRET, **changes}
    response = client.post("/api/v1/webhooks", json=body, headers=people.admin.headers)
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["field"].split(".")[0] == field
    assert client.get("/api/v1/webhooks", headers=people.admin.headers).json()["items"] == []


def test_a_units_subscription_takes_task_events_only(client: TestClient, people: People) -> None:
    body = {
        "url": PUBLIC_URL,
        "events": ["task.created", "report.created"],
        "secret": SECRET,
        "unit_code": people.property_unit.username.removeprefix("unit-"),
    }
    response = client.post("/api/v1/webhooks", json=body, headers=people.admin.headers)
    assert assert_problem(response, 422)["errors"][0]["field"] == "events"


@pytest.fixture
def strict_client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """An app with the default settings: no deliveries to private addresses."""
    runtime = Runtime.from_settings(make_settings(database_url, tmp_path / "strict"))
    with english_client(create_app(runtime=runtime)) as client:
        yield client
    runtime.engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_loopback_and_private_urls_are_refused_without_the_setting(
    strict_client: TestClient, people: People, url: str
) -> None:
    body = {"url": url, "events": ["report.created"], "secret": SECRET}
    response = strict_client.post("/api/v1/webhooks", json=body, headers=people.admin.headers)
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["field"] == "url"
    assert "TANTOU_WEBHOOK_ALLOW_PRIVATE" in problem["detail"]


def test_a_public_url_is_accepted_without_the_setting(
    strict_client: TestClient, people: People
) -> None:
    body = {"url": PUBLIC_URL, "events": ["report.created"], "secret": SECRET}
    response = strict_client.post("/api/v1/webhooks", json=body, headers=people.admin.headers)
    assert response.status_code == 201, response.text
