"""Several real `tantou serve` processes on one database, as on several machines.

`start_server` runs `python -m app.cli serve` on a free port with the settings given as
TANTOU_* variables, and returns once /healthz answers (polling, and noticing a process that
died while starting). `ServerProcess.kill` is SIGKILL: a crash, not a clean stop. Each server
writes its output to a log file in its data dir, named in failure messages.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.postgres import free_port

START_DEADLINE_S = 90
STOP_DEADLINE_S = 30


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a crash would: no lifespan shutdown, no lease released."""
        if self.is_running():
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=STOP_DEADLINE_S)

    def stop(self) -> None:
        """A clean stop (SIGTERM), or SIGKILL if it does not stop in time."""
        if not self.is_running():
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def server_environment(
    database_url: str, data_dir: Path, settings: Mapping[str, object]
) -> dict[str, str]:
    """This process's environment with the database, data dir and settings of a server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANTOU_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env["TANTOU_DATABASE_URL"] = database_url
    env["TANTOU_DATA_DIR"] = str(data_dir)
    for name, value in settings.items():
        env[f"TANTOU_{name.upper()}"] = (
            str(value).lower() if isinstance(value, bool) else str(value)
        )
    return env


def start_server(env: Mapping[str, str], log_path: Path, *, workers: int = 1) -> ServerProcess:
    """Start `tantou serve` with `env` and wait until it answers /healthz."""
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + START_DEADLINE_S
    while True:
        if not server.is_running():
            raise AssertionError(f"tantou serve stopped while starting:\n{server.log()}")
        if time.monotonic() > deadline:
            server.kill()
            raise AssertionError(f"tantou serve did not answer within {START_DEADLINE_S} s")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=0.5).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        # Waiting on the process (not sleeping) also notices a server that died starting.
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.1)


@dataclass
class ServerGroup:
    """Servers sharing one database and data dir; every one is stopped at the end."""

    database_url: str
    data_dir: Path
    settings: dict[str, object] = field(default_factory=dict)
    servers: list[ServerProcess] = field(default_factory=list)

    def start(self, *, workers: int = 1) -> ServerProcess:
        env = server_environment(self.database_url, self.data_dir, self.settings)
        log_path = self.data_dir / "logs" / f"server-{len(self.servers)}.log"
        server = start_server(env, log_path, workers=workers)
        self.servers.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()


@contextlib.contextmanager
def server_group(
    database_url: str, data_dir: Path, settings: Mapping[str, object]
) -> Iterator[ServerGroup]:
    group = ServerGroup(database_url, data_dir, dict(settings))
    try:
        yield group
    finally:
        group.stop_all()
