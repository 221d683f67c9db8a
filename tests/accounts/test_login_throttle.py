"""Login throttling, tried as a guesser and as someone trying to lock others out.

Waiting is done by moving the stored failures into the past, never by sleeping; the throttle's
clock stands still, so a slow machine cannot let a hurried attempt through.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.login_throttle import pair_delay_s
from app.accounts.models import LoginFailure, Role
from app.core import clock
from app.core.config import Settings
from app.core.runtime import Runtime
from app.main import create_app
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import PASSWORD, assert_problem, make_account

GUESSER = ("198.51.100.66", 40000)
OWNER = ("203.0.113.10", 40000)
NEIGHBOUR = GUESSER  # another rider behind the guesser's carrier NAT
PROXY = ("127.0.0.1", 40000)
TOKEN = "/api/v1/auth/token"


def _client(runtime: Runtime, peer: tuple[str, int]) -> TestClient:
    return english_client(create_app(runtime=runtime), client=peer)


@pytest.fixture(autouse=True)
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: now)


@pytest.fixture
def clients(runtime: Runtime) -> Iterator[dict[str, TestClient]]:
    made = {"guesser": _client(runtime, GUESSER), "owner": _client(runtime, OWNER)}
    yield made
    for client in made.values():
        client.close()


def _try(client: TestClient, username: str, password: str, **headers: str) -> int:
    response = client.post(
        TOKEN, data={"username": username, "password": password}, headers=headers
    )
    if response.status_code == 429:
        assert_problem(response, 429)
    return response.status_code


def _pass_time(session: Session, seconds: float) -> None:
    """As if `seconds` went by: every stored failure moves that far into the past."""
    for failure in session.exec(select(LoginFailure)).all():
        failure.created_at -= timedelta(seconds=seconds)
        session.add(failure)
    session.commit()


def _failures(session: Session, **where: str) -> int:
    query = select(LoginFailure)
    for name, value in where.items():
        query = query.where(getattr(LoginFailure, name) == value)
    count = len(session.exec(query).all())
    session.rollback()  # the test session writes: it must not keep SQLite's write lock
    return count


def test_the_delay_doubles_with_each_failure_up_to_the_cap() -> None:
    assert [pair_delay_s(n, 900) for n in range(12)] == [
        0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900,
    ]  # fmt: skip
    assert pair_delay_s(10_000, 900) == 900


def test_a_guesser_waits_longer_after_each_wrong_password_and_gains_nothing_by_hurrying(
    clients: dict[str, TestClient], session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    guesser = clients["guesser"]
    for failures in range(1, 7):
        assert _try(guesser, "root", f"guess-{failures}") == 401
        wait_s = 2 ** (failures - 1)
        hurried = guesser.post(TOKEN, data={"username": "root", "password": PASSWORD})
        assert_problem(hurried, 429)
        assert int(hurried.headers["retry-after"]) == wait_s
        _pass_time(session, wait_s - 0.5)
        assert _try(guesser, "root", "still-too-soon") == 429
        _pass_time(session, 0.5)
    # Refused attempts are not failures: only the six real guesses were counted.
    assert _failures(session, username="root") == 6


def test_the_owner_logs_in_at_once_from_another_address_while_their_username_is_guessed(
    clients: dict[str, TestClient], session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    for failures in range(15):
        _pass_time(session, pair_delay_s(failures, 900))
        assert _try(clients["guesser"], "root", f"guess-{failures}") == 401
    assert _try(clients["guesser"], "root", PASSWORD) == 429  # even the right password waits
    assert _try(clients["owner"], "root", PASSWORD) == 200


def test_a_user_behind_a_spraying_address_logs_in_within_a_few_seconds(
    runtime: Runtime, clients: dict[str, TestClient], session: Session
) -> None:
    make_account(session, Role.RIDER, "13800000009")
    for number in range(40):
        status = _try(clients["guesser"], f"1390000{number:04d}", "password1")
        assert status in (401, 429)
        if status == 429:
            _pass_time(session, 3)
    with _client(runtime, NEIGHBOUR) as neighbour:
        response = neighbour.post(TOKEN, data={"username": "13800000009", "password": PASSWORD})
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) <= 3
            _pass_time(session, int(response.headers["retry-after"]))
            response = neighbour.post(TOKEN, data={"username": "13800000009", "password": PASSWORD})
        assert response.status_code == 200, response.text
    # The spray was slowed: with a wait after each failure past the 20th, not all 40 went in.
    assert 20 <= _failures(session, client_address=GUESSER[0]) < 40


def test_a_successful_login_clears_its_own_typos(
    clients: dict[str, TestClient], session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    for failures in range(1, 4):
        assert _try(clients["owner"], "root", "typo-typo") == 401
        _pass_time(session, pair_delay_s(failures, 900))
    assert _try(clients["owner"], "root", PASSWORD) == 200
    assert _failures(session, username="root") == 0
    assert _try(clients["owner"], "root", "typo-typo") == 401
    assert _try(clients["owner"], "root", "typo-again") == 429  # 1 s, not 8 s, after one typo


def test_x_forwarded_for_from_localhost_does_not_reset_the_wait(
    runtime: Runtime, session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    with _client(runtime, PROXY) as client:
        assert _try(client, "root", "guess-1", **{"X-Forwarded-For": "192.0.2.1"}) == 401
        assert _try(client, "root", "guess-2", **{"X-Forwarded-For": "192.0.2.2"}) == 429
    assert _failures(session, client_address="127.0.0.1") == 1


@pytest.fixture
def proxied_settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "data", trusted_proxies="127.0.0.1, 10.0.0.0/8")


def test_behind_a_trusted_proxy_each_client_is_throttled_by_its_own_address(
    proxied_settings: Settings,
) -> None:
    runtime = Runtime.from_settings(proxied_settings)
    with Session(runtime.engine) as own:
        make_account(own, Role.ADMIN, "root")
    with _client(runtime, PROXY) as proxied, _client(runtime, GUESSER) as direct:
        assert _try(proxied, "root", "guess-1", **{"X-Forwarded-For": "192.0.2.1"}) == 401
        assert _try(proxied, "root", PASSWORD, **{"X-Forwarded-For": "192.0.2.2"}) == 200
        # A peer that is not a trusted proxy cannot pick its address.
        assert _try(direct, "root", "guess-2", **{"X-Forwarded-For": "192.0.2.3"}) == 401
    with Session(runtime.engine) as own:
        addresses = sorted(own.exec(select(LoginFailure.client_address)).all())
    assert addresses == sorted(["192.0.2.1", GUESSER[0]])
    runtime.engine.dispose()
