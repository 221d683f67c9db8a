"""A mixed load for a bounded time against `tantou serve`, with 1 and then 2 worker processes.

Run from the repository root:
    .venv/bin/python -m bench.load [--seconds 30] [--riders 4] [--coordinators 3] [--streams 8]
                                   [--postgres]

Each run starts a fresh server (the demo county, rate limits off) and, for `--seconds`:
riders post reports with one photo each as the app sends them (2048 px, a different photo every
time), coordinators page the queue (its first page, then the next by cursor), the report
streams stay open on the coordinator's and the admin's accounts and count what they are pushed,
and one client reads the figures. Prints, per endpoint, requests, requests/s, p50/p99 ms and
errors (any answer of 400 or more, or no answer), then the second run's throughput against the
first. Every client shares the 2 cores with the server, as a real load generator would not.
"""

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # so the script runs from a fresh clone, uninstalled

from app.demo.seed import DEMO_PASSWORD  # noqa: E402
from bench.ingest_http import distinct_variant, multipart_body, point_for  # noqa: E402
from bench.photo_fixtures import make_phone_jpeg  # noqa: E402
from bench.serving import demo_server  # noqa: E402

RIDER, COORDINATOR, ADMIN = "13800000001", "coordinator", "admin"
CATEGORY = "0102"
POST_REPORT = "POST /reports (2048 px photo)"
BASE_PHOTOS = 8
START_TIMEOUT_S = 120.0


@dataclass
class Tally:
    """Latencies and errors per endpoint, filled by every client thread."""

    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pushed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, endpoint: str, started: float, ok: bool) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies_ms[endpoint].append(elapsed_ms)
            if not ok:
                self.errors[endpoint] += 1


def timed_call(
    tally: Tally, endpoint: str, send: Callable[..., httpx.Response], *args: Any, **kwargs: Any
) -> httpx.Response | None:
    """send(*args, **kwargs), its latency and outcome recorded under `endpoint`."""
    started = time.perf_counter()
    try:
        response = send(*args, **kwargs)
    except httpx.HTTPError:
        tally.record(endpoint, started, ok=False)
        return None
    tally.record(endpoint, started, ok=response.status_code < 400)
    return response


def rider_loop(
    base_url: str,
    token: str,
    photos: Iterator[tuple[int, bytes]],
    stop: threading.Event,
    tally: Tally,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, timeout=60, headers=headers) as client:
        while not stop.is_set():
            number, photo = next(photos)
            lon, lat = point_for(number)
            boundary = uuid.uuid4().hex
            fields = {
                "category": CATEGORY,
                "client_id": str(uuid.uuid4()),
                "lon": str(lon),
                "lat": str(lat),
            }
            body = multipart_body(fields, photo, boundary)
            headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
            timed_call(
                tally, POST_REPORT, client.post, "/api/v1/reports", content=body, headers=headers
            )


def coordinator_loop(base_url: str, token: str, stop: threading.Event, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, timeout=60, headers=headers) as client:
        while not stop.is_set():
            first = timed_call(
                tally,
                "GET /reports (queue, first page)",
                client.get,
                "/api/v1/reports?status=submitted",
            )
            cursor = (
                first.json().get("next_cursor") if first is not None and first.is_success else None
            )
            if cursor:
                timed_call(
                    tally,
                    "GET /reports (queue, next page)",
                    client.get,
                    f"/api/v1/reports?status=submitted&cursor={cursor}",
                )


def figures_loop(base_url: str, token: str, stop: threading.Event, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, timeout=60, headers=headers) as client:
        while not stop.is_set():
            timed_call(tally, "GET /stats", client.get, "/api/v1/stats")


def stream_loop(
    base_url: str, token: str, stop: threading.Event, tally: Tally, opened: threading.Barrier
) -> None:
    """One open report stream, counting the reports it is pushed (a raw socket, so that the
    stop flag is seen within a second however quiet the stream)."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=1) as connection:
        path = f"/api/v1/reports/stream?access_token={token}"
        connection.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        opened.wait()
        buffer = b""
        while not stop.is_set():
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                with tally.lock:
                    tally.errors["stream"] += 1
                return
            buffer += chunk
            events = buffer.count(b"event: new_report") + buffer.count(b"event: urgent_report")
            if events:
                with tally.lock:
                    tally.pushed += events
            buffer = buffer[buffer.rfind(b"\n") + 1 :]


def token_of(base_url: str, username: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token",
        data={"username": username, "password": DEMO_PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def fresh_environment(database_url: str | None) -> dict[str, str]:
    """A fresh data dir (and the given database, else SQLite in it), rate limits off."""
    environment = os.environ | {
        "TANTOU_ENV": "production",
        "TANTOU_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "TANTOU_DATA_DIR": tempfile.mkdtemp(prefix="tantou-load-"),
        "TANTOU_RATE_LIMITS": "false",
        "TANTOU_MAX_STREAMS_PER_ACCOUNT": "100",
    }
    if database_url:
        environment["TANTOU_DATABASE_URL"] = database_url
    return environment


def distinct_photos(bases: list[bytes]) -> Iterator[tuple[int, bytes]]:
    """Numbered photos, each with pixels of its own (content-addressed storage would skip a
    repeated one)."""
    number = 0
    while True:
        number += 1
        yield number, distinct_variant(bases[number % len(bases)], number // len(bases) + 1)


def run(
    args: argparse.Namespace, workers: int, bases: list[bytes], database_url: str | None
) -> float:
    with demo_server(fresh_environment(database_url), workers=workers) as base_url:
        rider, coordinator, admin = (
            token_of(base_url, name) for name in (RIDER, COORDINATOR, ADMIN)
        )
        tally, stop = Tally(), threading.Event()
        photos = _Locked(distinct_photos(bases))
        opened = threading.Barrier(args.streams + 1)
        threads = [
            threading.Thread(
                target=stream_loop,
                args=(base_url, coordinator if n % 2 else admin, stop, tally, opened),
            )
            for n in range(args.streams)
        ]
        for thread in threads:
            thread.start()
        opened.wait()
        threads += [
            threading.Thread(target=rider_loop, args=(base_url, rider, photos, stop, tally))
            for _ in range(args.riders)
        ]
        threads += [
            threading.Thread(target=coordinator_loop, args=(base_url, coordinator, stop, tally))
            for _ in range(args.coordinators)
        ]
        threads.append(
            threading.Thread(target=figures_loop, args=(base_url, coordinator, stop, tally))
        )
        started = time.perf_counter()
        for thread in threads[args.streams :]:
            thread.start()
        stop.wait(args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    return report(workers, args.streams, tally, elapsed)


class _Locked(Iterator[tuple[int, bytes]]):
    """A generator shared by rider threads, one next() at a time."""

    def __init__(self, inner: Iterator[tuple[int, bytes]]) -> None:
        self._inner, self._lock = inner, threading.Lock()

    def __next__(self) -> tuple[int, bytes]:
        with self._lock:
            return next(self._inner)


def report(workers: int, streams: int, tally: Tally, elapsed: float) -> float:
    print(f"\n{workers} worker process{'es' if workers > 1 else ''}, {elapsed:.1f} s")
    print(
        f"{'endpoint':<36} {'requests':>8} {'per s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    )
    total = 0
    for endpoint, latencies in sorted(tally.latencies_ms.items()):
        total += len(latencies)
        p99 = (
            statistics.quantiles(latencies, n=100, method="inclusive")[98]
            if len(latencies) > 1
            else latencies[0]
        )
        print(
            f"{endpoint:<36} {len(latencies):8} {len(latencies) / elapsed:7.1f} "
            f"{statistics.median(latencies):8.1f} {p99:8.1f} {tally.errors.get(endpoint, 0):6}"
        )
    posted = len(tally.latencies_ms.get(POST_REPORT, [])) - tally.errors.get(POST_REPORT, 0)
    print(
        f"reports pushed to streams: {tally.pushed} of at most {posted * streams} (the admin's "
        "streams see every report, the coordinator's those in their street)"
    )
    print(
        f"stream errors: {tally.errors.get('stream', 0)}; "
        f"all requests: {total / elapsed:.1f}/s; reports: {posted / elapsed:.1f}/s"
    )
    return posted / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--riders", type=int, default=4)
    parser.add_argument("--coordinators", type=int, default=3)
    parser.add_argument("--streams", type=int, default=8)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    bases = [make_phone_jpeg(seed, 2048, 1536) for seed in range(BASE_PHOTOS)]
    cluster = None
    urls: list[str | None] = [None, None]
    if args.postgres:
        from tests.postgres import start_cluster

        cluster = start_cluster()
        urls = [cluster.url(f"load_{n}") for n in (1, 2)]
        with psycopg.connect(
            cluster.url("postgres").replace("+psycopg", ""), autocommit=True
        ) as admin:
            for n in (1, 2):
                admin.execute(f"CREATE DATABASE load_{n}")
    try:
        one = run(args, 1, bases, urls[0])
        two = run(args, 2, bases, urls[1])
    finally:
        if cluster is not None:
            cluster.stop()
    print(f"\nreports/s with 2 processes against 1: {two / one:.2f}x")


if __name__ == "__main__":
    main()
