"""Login, tokens, /me (throttling: test_login_throttle.py)."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.core.security import hash_password, verify_password
from tests.factories import PASSWORD, assert_problem, make_account


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
