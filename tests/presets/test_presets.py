"""Note presets (常用语): admins keep them, coordinators read them, each wording once."""

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.runtime import Runtime
from app.main import create_app
from tests.factories import assert_problem
from tests.fixtures.people import People, Person
from tests.reports.factories import live_server

REASON = "经现场核实，问题不存在或已自行消除。"
BLURRED = "照片无法看清问题，请补拍后重新上报。"
NOTE = "请尽快到场处置，完成后上传处置后照片。"


def add(client: TestClient, who: Person, **body: object) -> Any:
    return client.post("/api/v1/note-presets", json=body, headers=who.headers)


def listed(client: TestClient, who: Person, purpose: str | None = None) -> list[dict[str, Any]]:
    params = {"purpose": purpose} if purpose else {}
    response = client.get("/api/v1/note-presets", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_admins_add_presets_in_order_and_coordinators_read_them(
    client: TestClient, people: People
) -> None:
    first = add(client, people.admin, purpose="reject", text=f"  {REASON}  ")
    second = add(
        client, people.admin, purpose="reject", text="照片无法看清问题，请补拍后重新上报。"
    )
    note = add(client, people.admin, purpose="dispatch", text=NOTE)
    assert [r.status_code for r in (first, second, note)] == [201, 201, 201]
    assert first.json()["text"] == REASON  # trimmed
    assert (first.json()["position"], second.json()["position"]) == (0, 1)

    reasons = listed(client, people.coordinator, "reject")
    assert [item["text"] for item in reasons] == [REASON, second.json()["text"]]
    assert [item["purpose"] for item in listed(client, people.coordinator)] == [
        "dispatch",
        "reject",
        "reject",
    ]


def test_moving_and_rewording_a_preset(client: TestClient, people: People) -> None:
    first = add(client, people.admin, purpose="reject", text=REASON).json()
    second = add(client, people.admin, purpose="reject", text="另一条理由").json()

    moved = client.patch(
        f"/api/v1/note-presets/{second['id']}",
        json={"position": 0, "text": "改过的理由"},
        headers=people.admin.headers,
    )
    client.patch(
        f"/api/v1/note-presets/{first['id']}", json={"position": 5}, headers=people.admin.headers
    )

    assert moved.status_code == 200, moved.text
    assert [item["text"] for item in listed(client, people.admin, "reject")] == [
        "改过的理由",
        REASON,
    ]


def test_the_same_wording_twice_for_one_purpose_is_409_and_stores_nothing(
    client: TestClient, people: People
) -> None:
    add(client, people.admin, purpose="reject", text=REASON)
    other = add(client, people.admin, purpose="reject", text="另一条理由").json()

    again = add(client, people.admin, purpose="reject", text=REASON)
    renamed = client.patch(
        f"/api/v1/note-presets/{other['id']}", json={"text": REASON}, headers=people.admin.headers
    )
    elsewhere = add(client, people.admin, purpose="dispatch", text=REASON)

    assert "already exists" in assert_problem(again, 409)["detail"]
    assert_problem(renamed, 409)
    assert elsewhere.status_code == 201  # another purpose may say the same
    assert [item["text"] for item in listed(client, people.admin, "reject")] == [
        REASON,
        "另一条理由",
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"purpose": "reject", "text": "   "},
        {"purpose": "reject", "text": "长" * 501},
        {"purpose": "praise", "text": REASON},
        {"purpose": "reject", "text": REASON, "position": -1},
        {"purpose": "reject", "text": "含\x07控制字符"},
    ],
    ids=["blank", "too long", "unknown purpose", "negative position", "control character"],
)
def test_bad_presets_are_422_and_store_nothing(
    client: TestClient, people: People, body: dict[str, object]
) -> None:
    assert_problem(add(client, people.admin, **body), 422)
    assert listed(client, people.admin) == []


def test_only_admins_keep_presets_and_riders_and_units_do_not_read_them(
    client: TestClient, people: People
) -> None:
    preset = add(client, people.admin, purpose="reject", text=REASON).json()
    path = f"/api/v1/note-presets/{preset['id']}"

    assert_problem(add(client, people.coordinator, purpose="reject", text="x"), 403)
    assert_problem(client.patch(path, json={"text": "x"}, headers=people.coordinator.headers), 403)
    assert_problem(client.delete(path, headers=people.coordinator.headers), 403)
    for outsider in (people.rider, people.unit):
        assert_problem(client.get("/api/v1/note-presets", headers=outsider.headers), 403)
    assert_problem(client.get("/api/v1/note-presets"), 401)
    assert [item["text"] for item in listed(client, people.coordinator)] == [REASON]


def test_deleting_a_preset_and_a_missing_one(client: TestClient, people: People) -> None:
    preset = add(client, people.admin, purpose="dispatch", text=NOTE).json()
    path = f"/api/v1/note-presets/{preset['id']}"

    assert client.delete(path, headers=people.admin.headers).status_code == 204
    assert listed(client, people.admin) == []
    assert_problem(client.delete(path, headers=people.admin.headers), 404)
    assert_problem(client.patch(path, json={"text": "x"}, headers=people.admin.headers), 404)


@pytest.fixture
def server(runtime: Runtime) -> Iterator[str]:
    with live_server(create_app(runtime=runtime)) as base_url:
        yield base_url


def test_two_admins_adding_the_same_wording_at_once_store_it_once(
    server: str, people: People
) -> None:
    start_together = threading.Barrier(6)
    answers: list[int] = []

    def add_over_http() -> None:
        start_together.wait()
        response = httpx.post(
            f"{server}/api/v1/note-presets",
            json={"purpose": "reject", "text": REASON},
            headers=people.admin.headers,
            timeout=30,
        )
        answers.append(response.status_code)

    threads = [threading.Thread(target=add_over_http) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [201, 409, 409, 409, 409, 409]
    stored = httpx.get(f"{server}/api/v1/note-presets", headers=people.admin.headers).json()
    assert [item["text"] for item in stored["items"]] == [REASON]
