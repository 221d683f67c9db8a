"""`tantou serve` itself (uvicorn) must not believe X-Forwarded-For from 127.0.0.1."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, create_engine, select

from app.accounts.models import LoginFailure
from app.cli import main as tantou

START_DEADLINE_S = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("TANTOU_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("TANTOU_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TANTOU_TRUSTED_PROXIES", raising=False)
    assert tantou(["migrate"]) == 0
    admin = ["create-user", "--role", "admin", "--username", "root", "--password", "right-password"]
    assert tantou(admin) == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_DEADLINE_S
    try:
        while True:
            assert server.poll() is None, "tantou serve stopped while starting"
            assert time.monotonic() < deadline, "tantou serve did not start"
            try:
                if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            # Waiting on the process (not sleeping) also notices a server that died starting.
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_forged_x_forwarded_for_does_not_reset_the_login_wait(
    served: str, empty_database_url: str
) -> None:
    def guess(password: str, forwarded_for: str) -> httpx.Response:
        return httpx.post(
            f"{served}/api/v1/auth/token",
            data={"username": "root", "password": password},
            headers={"X-Forwarded-For": forwarded_for},
        )

    assert guess("guess-one", "192.0.2.1").status_code == 401
    engine = create_engine(empty_database_url)
    try:
        with Session(engine) as session:
            # The failure counts against the connection's address, not the forged one.
            assert session.exec(select(LoginFailure.client_address)).all() == ["127.0.0.1"]
            # Nine more: the pair now waits 2^9 s, however slowly this machine answers.
            session.add_all(
                LoginFailure(username="root", client_address="127.0.0.1") for _ in range(9)
            )
            session.commit()
    finally:
        engine.dispose()
    refused = guess("guess-two", "192.0.2.2")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 500
