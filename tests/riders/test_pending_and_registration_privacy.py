"""A rider awaiting approval, and a stranger probing the registration form for numbers."""

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Account
from app.core.runtime import Runtime
from app.main import create_app
from app.riders.models import RegistrationAttempt, RiderProfile
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import COMMUNITY, assert_problem, login, seed_grids
from tests.riders.factories import make_rider

PENDING_PHONE = "13800000007"
# What a pending rider may do: see their status, read and edit their registration, log out.
ALLOWED_WHILE_PENDING = {
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/me/profile"),
    ("PATCH", "/api/v1/me/profile"),
    ("POST", "/api/v1/auth/logout"),
    # Their rights hold from registration on: a copy of their data, and ending the account.
    ("GET", "/api/v1/me/export"),
    ("DELETE", "/api/v1/me"),
}
LIMIT = 3


def _form(phone: str, **changes: Any) -> dict[str, Any]:
    form = {
        "phone": phone,
        "name": "李师傅",
        "password": "rider-password-1",
        "platform": "eleme",
        "party_member": False,
        "community_code": COMMUNITY,
        "privacy_consent_version": CURRENT_NOTICE.version,
    }
    form.update(changes)
    return form


def _api_operations(client: TestClient) -> list[tuple[str, str]]:
    """Every /api/v1 operation of the OpenAPI schema, with 1 for each path parameter."""
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in client.get("/openapi.json").json()["paths"].items()
        if path.startswith("/api/v1/")
        for method in operations
    ]


def test_a_pending_rider_sees_their_status_and_edits_their_registration(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_rider(session, PENDING_PHONE, active=False)
    headers = login(client, PENDING_PHONE)
    assert client.get("/api/v1/me", headers=headers).json()["status"] == "pending"
    assert client.get("/api/v1/me/profile", headers=headers).json()["name"]
    changed = client.patch("/api/v1/me/profile", json={"name": "王师傅"}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "王师傅"


def test_a_pending_rider_can_do_nothing_else_that_needs_an_account(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_rider(session, PENDING_PHONE, active=False)
    headers = login(client, PENDING_PHONE)
    refused = []
    for method, path in _api_operations(client):
        if (method, path) in ALLOWED_WHILE_PENDING:
            continue
        if client.request(method, path).status_code != 401:
            continue  # open to anyone (the registration form's lists, signed photo links)
        response = client.request(method, path, headers=headers)
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"
        assert "approved riders" in assert_problem(response, 403)["detail"]
        refused.append(path)
    # The sweep reached what riders do: reports, nearby, notices, points, redemptions.
    for path in ("/reports", "/reports/nearby", "/notices", "/me/points", "/redemptions"):
        assert f"/api/v1{path}" in refused


def test_registering_a_taken_number_answers_like_a_new_one_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    first = client.post("/api/v1/riders", json=_form("13912345678"))
    assert first.status_code == 201, first.text
    intruder = _form("13912345678", name="冒名者", password="intruder-password")
    taken = client.post("/api/v1/riders", json=intruder)
    fresh = client.post("/api/v1/riders", json=_form("13912345679"))
    assert taken.status_code == fresh.status_code == 201
    assert taken.headers["content-type"] == fresh.headers["content-type"]
    assert set(taken.json()) == set(fresh.json())
    assert taken.json()["status"] == "pending"
    assert taken.json()["name"] == "冒名者"  # what was sent, as for a new number
    assert isinstance(taken.json()["id"], int)
    profile = session.exec(select(RiderProfile).where(RiderProfile.phone == "13912345678")).one()
    assert profile.name == "李师傅"
    assert len(session.exec(select(Account)).all()) == 2
    session.rollback()
    assert login(client, "13912345678", "rider-password-1")
    refused = client.post(
        "/api/v1/auth/token", data={"username": "13912345678", "password": "intruder-password"}
    )
    assert refused.status_code == 401


def test_the_same_form_sent_twice_gives_the_registration_back(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    first = client.post("/api/v1/riders", json=_form("13912345678"))
    again = client.post("/api/v1/riders", json=_form("13912345678"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()


@pytest.fixture
def limited(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = make_settings(database_url, tmp_path / "data", registrations_per_hour=LIMIT)
    runtime = Runtime.from_settings(settings)
    with Session(runtime.engine) as own:
        seed_grids(own)
    yield runtime
    runtime.engine.dispose()


def test_one_address_cannot_test_many_numbers_but_another_address_registers(
    limited: Runtime,
) -> None:
    app = create_app(runtime=limited)
    with (
        english_client(app, client=("198.51.100.66", 40000)) as prober,
        english_client(app, client=("203.0.113.10", 40000)) as neighbour,
    ):
        for number in range(LIMIT):
            assert (
                prober.post("/api/v1/riders", json=_form(f"1391234560{number}")).status_code == 201
            )
        refused = prober.post("/api/v1/riders", json=_form("13912345699"))
        assert_problem(refused, 429)
        assert 0 < int(refused.headers["retry-after"]) <= 3600
        assert neighbour.post("/api/v1/riders", json=_form("13912345698")).status_code == 201
        with Session(limited.engine, expire_on_commit=False) as own:
            assert (
                own.exec(select(RiderProfile).where(RiderProfile.phone == "13912345699")).first()
                is None
            )
            for attempt in own.exec(select(RegistrationAttempt)).all():
                attempt.created_at -= timedelta(hours=1)
                own.add(attempt)
            own.commit()
        assert prober.post("/api/v1/riders", json=_form("13912345699")).status_code == 201
