"""`tantou serve` in a subprocess for the benchmarks, on a demo county seeded first."""

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.ingest_http import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 120.0


@contextmanager
def demo_server(environment: Mapping[str, str], *, workers: int = 1) -> Iterator[str]:
    """`tantou demo`, then `tantou serve --workers N` with `environment` until the block ends;
    yields the server's URL once it is ready."""
    tantou = [sys.executable, "-m", "app.cli"]
    env = dict(environment)
    subprocess.run([*tantou, "demo"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*tantou, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("tantou serve did not start")
            # Waiting on the process, not sleeping, also notices one that died starting.
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
