"""Webhook deliveries per second to a local receiver, and the API's p99 while 1,000 are queued.

Run from the repository root: .venv/bin/python -m bench.webhooks [--deliveries 2000]

Starts a real server (`tantou serve` in a subprocess on 127.0.0.1, SQLite in a temporary data
dir, the demo county seeded) and a minimal keep-alive HTTP receiver in this process. Deliveries
are written straight into the outbox (as a change would, one transaction) with a report-sized
payload; the server's worker finds them at its next poll.

1. Throughput: N deliveries to a receiver that answers at once; deliveries/s from the first
   arrival to the last, each signed and checked.
2. The API under load: p50/p99 of GET /api/v1/reports/{id} (4 concurrent clients) with nothing
   queued, then again while 1,000 deliveries are queued to a receiver that takes 50 ms to answer
   (so the worker is busy sending the whole time).
"""

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
from PIL import Image
from sqlmodel import select

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # so the script runs from a fresh clone, uninstalled

import app.models  # noqa: E402, F401  (registers every table)
from app.core.clock import utcnow  # noqa: E402
from app.core.db import create_db_engine, session_scope  # noqa: E402
from app.demo.seed import DEMO_PASSWORD  # noqa: E402
from app.webhooks.models import WebhookSubscription  # noqa: E402
from app.webhooks.outbox import write_deliveries  # noqa: E402
from app.webhooks.signing import is_valid_signature  # noqa: E402
from bench.ingest_http import free_port  # noqa: E402
from bench.serving import demo_server  # noqa: E402

SECRET = "bench-webhook-secret-0123456789"
SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"
API_REQUESTS = 800
API_CLIENTS = 4
QUEUED = 1000
SLOW_ANSWER_S = 0.05


class Receiver:
    """An asyncio HTTP/1.1 receiver with keep-alive: counts deliveries and checks signatures."""

    def __init__(self) -> None:
        self.port = free_port()
        self.delay_s = 0.0
        self.count = 0
        self.bad_signatures = 0
        self.first_at: float | None = None
        self.last_at = 0.0
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result()

    async def _start(self) -> None:
        await asyncio.start_server(self._serve, "127.0.0.1", self.port, backlog=512)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                if self.delay_s:
                    await asyncio.sleep(self.delay_s)
                if not is_valid_signature(body, SECRET, headers.get("x-tantou-signature", "")):
                    self.bad_signatures += 1
                now = time.perf_counter()
                self.first_at = self.first_at or now
                self.last_at = now
                self.count += 1
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def reset(self, delay_s: float) -> None:
        self.delay_s, self.count, self.first_at, self.last_at = delay_s, 0, None, 0.0

    def wait_for(self, count: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        pause = threading.Event()
        while self.count < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {self.count} of {count} deliveries arrived")
            pause.wait(0.01)


@contextmanager
def server(data_dir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {
        **os.environ,
        "TANTOU_ENV": "test",
        "TANTOU_DATA_DIR": str(data_dir),
        "TANTOU_DATABASE_URL": f"sqlite:///{data_dir / 'tantou.db'}",
        "TANTOU_SECRET_KEY": SECRET_KEY,
        "TANTOU_RATE_LIMITS": "false",
        "TANTOU_WEBHOOK_ALLOW_PRIVATE": "true",
        "TANTOU_WEBHOOK_POLL_SECONDS": "0.2",
    }
    with demo_server(env) as url:
        yield url, env


def _login(url: str, username: str) -> dict[str, str]:
    response = httpx.post(
        f"{url}/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _make_report(url: str) -> int:
    """One report by the demo rider, with a small photo; its id."""
    photo = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 140, 90)).save(photo, "JPEG")
    response = httpx.post(
        f"{url}/api/v1/reports",
        headers=_login(url, "13800000001"),
        data={
            "category": "0102",
            "lat": "32.854",
            "lon": "117.5325",
            "client_id": str(uuid.uuid4()),
        },
        files=[("photo", ("p.jpg", photo.getvalue(), "image/jpeg"))],
    )
    response.raise_for_status()
    return int(response.json()["id"])


def _report_sized_payload() -> dict[str, object]:
    """About the size of a report as GET /reports/{id} shows it, with two photos."""
    photo = {"url": "a" * 64, "thumbnail_url": "b" * 64, "width": 1600, "height": 1200}
    report = {
        "id": 1,
        "status": "submitted",
        "category": "0102",
        "description": "小区门口垃圾堆放，已经好几天没人清理了" * 4,
        "lat": 32.854,
        "lon": 117.5325,
        "grid": {"code": "341126100001001", "name": "凤凰熙岸小区网格"},
        "community": {"code": "341126100001", "name": "东华社区"},
        "urgent": False,
        "channel": "app",
        "photos": [{**photo, "kind": "before"}, {**photo, "kind": "before"}],
        "created_at": utcnow().isoformat(),
    }
    return {"report": report}


def _queue(database_url: str, count: int) -> None:
    engine = create_db_engine(database_url)
    with session_scope(engine) as session:
        subscriptions = list(session.exec(select(WebhookSubscription)))
        data = _report_sized_payload()
        for _ in range(count):
            write_deliveries(session, subscriptions, "report.created", data, occurred_at=utcnow())
        session.commit()
    engine.dispose()


def _api_latencies_ms(url: str, headers: dict[str, str], path: str) -> list[float]:
    def one_client(n: int) -> list[float]:
        times = []
        with httpx.Client(base_url=url, headers=headers) as client:
            for _ in range(n):
                started = time.perf_counter()
                client.get(path).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
        return times

    with ThreadPoolExecutor(API_CLIENTS) as pool:
        runs = pool.map(one_client, [API_REQUESTS // API_CLIENTS] * API_CLIENTS)
    return [t for run in runs for t in run]


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if q < 100 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    args = parser.parse_args()
    receiver = Receiver()
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as (url, env):
        admin = _login(url, "admin")
        hook = {
            "url": f"http://127.0.0.1:{receiver.port}/hook",
            "events": ["report.created"],
            "secret": SECRET,
        }
        httpx.post(f"{url}/api/v1/webhooks", json=hook, headers=admin).raise_for_status()
        coordinator = _login(url, "coordinator")
        path = f"/api/v1/reports/{_make_report(url)}"

        receiver.reset(delay_s=0.0)
        _queue(env["TANTOU_DATABASE_URL"], args.deliveries)
        receiver.wait_for(args.deliveries, timeout_s=600)
        assert receiver.first_at is not None
        rate = (args.deliveries - 1) / (receiver.last_at - receiver.first_at)
        print(
            f"deliveries: {args.deliveries} in {receiver.last_at - receiver.first_at:.2f} s "
            f"= {rate:.0f}/s; bad signatures: {receiver.bad_signatures}"
        )

        idle = _api_latencies_ms(url, coordinator, path)
        receiver.reset(delay_s=SLOW_ANSWER_S)
        _queue(env["TANTOU_DATABASE_URL"], QUEUED)
        receiver.wait_for(10, timeout_s=60)  # the worker is sending
        busy = _api_latencies_ms(url, coordinator, path)
        sent_meanwhile = receiver.count
        print(f"API GET /reports/{{id}}, {API_CLIENTS} clients, {API_REQUESTS} requests")
        print(f"  nothing queued:        p50 {_p(idle, 50):.1f} ms  p99 {_p(idle, 99):.1f} ms")
        print(
            f"  {QUEUED} queued (sending): p50 {_p(busy, 50):.1f} ms  p99 {_p(busy, 99):.1f} ms"
            f"  ({sent_meanwhile} delivered meanwhile)"
        )
        print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
