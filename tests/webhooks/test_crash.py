"""A server killed between a change and its delivery loses nothing: the delivery was stored
with the change, and the next process sends it."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from app.cli import main as tantou
from app.core.db import create_db_engine
from app.demo.seed import DEMO_PASSWORD
from app.webhooks.models import WebhookDelivery
from tests.conftest import TEST_SECRET_KEY
from tests.reports.factories import post_report
from tests.waiting import eventually
from tests.webhooks.factories import SECRET
from tests.webhooks.receiver import receiver_on

TANTOU = Path(sys.executable).with_name("tantou")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server_env(empty_database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "TANTOU_ENV": "test",
        "TANTOU_DATABASE_URL": empty_database_url,
        "TANTOU_DATA_DIR": str(tmp_path / "data"),
        "TANTOU_SECRET_KEY": TEST_SECRET_KEY,
        "TANTOU_RATE_LIMITS": "false",
        "TANTOU_WEBHOOK_ALLOW_PRIVATE": "true",
        "TANTOU_WEBHOOK_RETRY_FIRST_SECONDS": "0.2",
        "TANTOU_WEBHOOK_RETRY_MAX_SECONDS": "0.5",
        "TANTOU_WEBHOOK_POLL_SECONDS": "0.5",
        "TANTOU_WEBHOOK_TIMEOUT_SECONDS": "2",
    }
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        assert tantou(["demo"]) == 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return env


@contextmanager
def tantou_server(env: dict[str, str], cwd: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`tantou serve` in its own process, healthy, until the block ends (or it is killed)."""
    port = _free_port()
    process = subprocess.Popen([str(TANTOU), "serve", "--port", str(port)], env=env, cwd=cwd)
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert process.poll() is None, "the server stopped while starting"
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        eventually(healthy, timeout_s=60, what="the server answers /healthz")
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)


def _login(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_server_killed_before_delivering_loses_nothing(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    engine = create_db_engine(server_env["TANTOU_DATABASE_URL"])
    receiver_port = _free_port()  # nothing listens there yet: every try fails

    def tried() -> list[WebhookDelivery]:
        with Session(engine) as session:
            return list(
                session.exec(select(WebhookDelivery).where(col(WebhookDelivery.attempts) >= 1))
            )

    with tantou_server(server_env, tmp_path) as (url, process), httpx.Client(base_url=url) as api:
        admin = _login(api, "admin")
        hook = {
            "url": f"http://127.0.0.1:{receiver_port}/hook",
            "events": ["report.created"],
            "secret": SECRET,
        }
        assert api.post("/api/v1/webhooks", json=hook, headers=admin).status_code == 201
        created = post_report(api, _login(api, "13800000001"))
        assert created.status_code == 201, created.text
        eventually(lambda: bool(tried()), what="a failed try is recorded")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    [stored] = tried()
    assert stored.report_id == created.json()["id"]

    with receiver_on(receiver_port) as receiver, tantou_server(server_env, tmp_path):
        receiver.wait_until(lambda r: len(r.received) >= 1, timeout_s=60)
        [arrived] = {r.json["delivery_id"]: r for r in receiver.received}.values()
        assert arrived.json["delivery_id"] == stored.delivery_id
        assert arrived.json["data"]["report"]["id"] == stored.report_id
        assert arrived.signed_with(SECRET)
    engine.dispose()
