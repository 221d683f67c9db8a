"""Login, tokens, /me (throttling: test_login_throttle.py)."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.core.security import hash_password, verify_password
from tests.factories import COMMUNITY, PASSWORD, assert_problem, make_account, make_unit, seed_grids
from tests.riders.factories import make_rider


def test_password_is_stored_as_argon2_hash(session: Session) -> None:
    account = make_account(session, Role.ADMIN, "root")
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash
    assert verify_password(account.password_hash, PASSWORD)


def test_login_returns_bearer_token_and_me_names_the_account(
    client: TestClient, session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    response = client.post("/api/v1/auth/token", data={"username": "root", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json() == {
        "id": me.json()["id"],
        "username": "root",
        "role": "admin",
        "status": "active",
    }


def test_wrong_password_is_401_problem(client: TestClient, session: Session) -> None:
    make_account(session, Role.ADMIN, "root")
    response = client.post("/api/v1/auth/token", data={"username": "root", "password": "nope-nope"})
    assert_problem(response, 401)


def test_unknown_user_is_401_like_a_wrong_password(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "ghost", "password": "x" * 9})
    assert_problem(response, 401)


def test_missing_token_is_401_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/api/v1/me"), 401)
    assert "Bearer" in body["detail"]


def test_forged_token_is_401(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/me", headers={"Authorization": "Bearer abc.def.ghi"}), 401)


def test_rehash_helper_hashes_differently_each_time() -> None:
    assert hash_password("same-password") != hash_password("same-password")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.UNIT])
def test_staff_asking_for_the_rider_scope_are_refused_but_the_console_login_works(
    client: TestClient, session: Session, role: Role
) -> None:
    seed_grids(session)
    unit_code = make_unit(session, "u1").code if role is Role.UNIT else None
    areas = (COMMUNITY,) if role is Role.COORDINATOR else ()
    make_account(session, role, "staff", areas=areas, unit_code=unit_code)
    as_rider = {"username": "staff", "password": PASSWORD, "scope": "rider"}
    chinese = {"Accept-Language": "zh-CN"}
    body = assert_problem(
        client.post("/api/v1/auth/token", data=as_rider, headers=chinese),
        403,
        slug="staff-account-in-rider-app",
    )
    assert "工作人员账号" in body["detail"]
    console = client.post("/api/v1/auth/token", data={"username": "staff", "password": PASSWORD})
    assert console.status_code == 200, console.text


def test_a_wrong_password_with_the_rider_scope_is_401_and_says_nothing_of_the_role(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "staff", areas=(COMMUNITY,))
    data = {"username": "staff", "password": "nope-nope", "scope": "rider"}
    assert_problem(client.post("/api/v1/auth/token", data=data), 401)


def test_a_rider_logs_in_with_the_rider_scope(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_rider(session, "13800000001")
    data = {"username": "13800000001", "password": PASSWORD, "scope": "rider"}
    response = client.post("/api/v1/auth/token", data=data)
    assert response.status_code == 200, response.text
