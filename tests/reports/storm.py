"""A retry storm against a live server: one client_id replayed many times at once, distinct
reports at the same moment, and an unrelated coordinator write in the middle of it.

Shared by the storm test and bench/retry_storm.py, so that both measure the same thing. The
server runs in a process of its own, as in production, so that the clients' work does not
compete with it for this process's interpreter lock.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.core.config import Settings
from tests.reports.factories import photo_parts, report_fields, small_jpeg

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Server:
    base_url: str
    process: "subprocess.Popen[bytes]"

    def cpu_s(self) -> float:
        """User plus system CPU seconds the server has used so far (Linux /proc)."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server_process(settings: Settings) -> Iterator[Server]:
    """uvicorn serving the app for these settings in a subprocess (one worker), until the
    block ends; the database must already hold the schema."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    environment = os.environ | {
        "TANTOU_ENV": settings.env.value,
        "TANTOU_SECRET_KEY": settings.secret_key,
        "TANTOU_DATABASE_URL": settings.resolved_database_url,
        "TANTOU_DATA_DIR": str(settings.data_dir),
        "TANTOU_RATE_LIMITS": "true" if settings.rate_limits else "false",
    }
    command = [
        sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment)
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.process.returncode}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # not listening yet: poll again until the deadline
    raise RuntimeError("the server did not start in time")


@dataclass(frozen=True)
class Answer:
    """One response: its status, the client_id it was for, when it was sent and came back."""

    status: int
    client_id: str
    sent_at: float
    answered_at: float
    retry_after: str | None
    content_type: str

    @property
    def latency_s(self) -> float:
        return self.answered_at - self.sent_at


@dataclass
class StormResult:
    replays: list[Answer] = field(default_factory=list)
    distinct: list[Answer] = field(default_factory=list)
    coordinator: Answer | None = None
    started_at: float = 0.0
    finished_at: float = 0.0

    @property
    def reports(self) -> list[Answer]:
        return self.replays + self.distinct

    @property
    def duration_s(self) -> float:
        return self.finished_at - self.started_at


def _answer(label: str, response: httpx.Response, sent_at: float) -> Answer:
    return Answer(
        status=response.status_code,
        client_id=label,
        sent_at=sent_at,
        answered_at=time.monotonic(),
        retry_after=response.headers.get("retry-after"),
        content_type=response.headers.get("content-type", ""),
    )


async def _timed(label: str, request: Coroutine[Any, Any, httpx.Response]) -> Answer:
    sent_at = time.monotonic()
    return _answer(label, await request, sent_at)


def _accept(base_url: str, headers: dict[str, str], report_id: int) -> Answer:
    """The coordinator's write, from a client of its own (another person's browser)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        sent_at = time.monotonic()
        response = client.post(f"/api/v1/reports/{report_id}/accept", json={}, headers=headers)
        return _answer("coordinator", response, sent_at)


async def _storm(
    base_url: str,
    rider_headers: dict[str, str],
    coordinator_headers: dict[str, str],
    report_to_accept: int,
    *,
    replays: int,
    distinct: int,
) -> StormResult:
    limits = httpx.Limits(max_connections=replays + distinct, max_keepalive_connections=0)
    photo = small_jpeg()
    replayed = report_fields()
    posts = [replayed] * replays + [report_fields() for _ in range(distinct)]
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        await _warm_up(client, rider_headers, coordinator_headers, photo)
        result = StormResult(started_at=time.monotonic())
        storm = [
            asyncio.create_task(
                _timed(
                    fields["client_id"],
                    client.post(
                        "/api/v1/reports",
                        data=fields,
                        files=photo_parts(photo),
                        headers=rider_headers,
                    ),
                )
            )
            for fields in posts
        ]
        # In the thick of it: the server has answered one storm request and has the rest.
        await asyncio.wait(storm, return_when=asyncio.FIRST_COMPLETED)
        accept = asyncio.create_task(
            asyncio.to_thread(_accept, base_url, coordinator_headers, report_to_accept)
        )
        answers = await asyncio.gather(*storm)
        result.coordinator = await accept
    result.replays, result.distinct = list(answers[:replays]), list(answers[replays:])
    result.finished_at = max(a.answered_at for a in answers)
    return result


async def _warm_up(
    client: httpx.AsyncClient,
    rider_headers: dict[str, str],
    coordinator_headers: dict[str, str],
    photo: bytes,
) -> None:
    """One report and one coordinator write first: a server that has served already built its
    routes, grid snapshot and image codecs, which a cold start would add to the first answers."""
    warm_up = await client.post(
        "/api/v1/reports", data=report_fields(), files=photo_parts(photo), headers=rider_headers
    )
    assert warm_up.status_code == 201, warm_up.text
    unknown = await client.post(
        f"/api/v1/reports/{2**31 - 1}/accept", json={}, headers=coordinator_headers
    )
    assert unknown.status_code == 404, unknown.text


def run_storm(
    base_url: str,
    rider_headers: dict[str, str],
    coordinator_headers: dict[str, str],
    report_to_accept: int,
    *,
    replays: int = 50,
    distinct: int = 50,
) -> StormResult:
    """Fire the storm and the coordinator's accept at once; every answer, timed."""
    storm = _storm(
        base_url,
        rider_headers,
        coordinator_headers,
        report_to_accept,
        replays=replays,
        distinct=distinct,
    )
    # A loop of its own in a thread of its own: the browser tests' Playwright keeps an event
    # loop running in the main thread of the test process that ran them.
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, storm).result()
