"""Login, tokens, /me, throttling."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import LoginFailure, Role
from app.core.security import hash_password, verify_password
from tests.factories import PASSWORD, assert_problem, login, make_account


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


def test_burst_of_wrong_passwords_is_throttled_with_429_even_for_the_right_one(
    client: TestClient, session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    for _ in range(5):
        assert (
            client.post(
                "/api/v1/auth/token", data={"username": "root", "password": "wrong-guess"}
            ).status_code
            == 401
        )
    response = client.post("/api/v1/auth/token", data={"username": "root", "password": PASSWORD})
    assert_problem(response, 429)
    assert response.headers["retry-after"]
    failures = session.exec(select(LoginFailure).where(LoginFailure.username == "root")).all()
    assert len(failures) == 5


def test_throttling_of_one_username_leaves_others_alone(
    client: TestClient, session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    make_account(session, Role.ADMIN, "other")
    for _ in range(5):
        client.post("/api/v1/auth/token", data={"username": "root", "password": "wrong-guess"})
    assert login(client, "other")


def test_rehash_helper_hashes_differently_each_time() -> None:
    assert hash_password("same-password") != hash_password("same-password")
