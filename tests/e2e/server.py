"""A real Tantou server for browser tests: uvicorn in a thread, on a free port, on a temp SQLite."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from sqlmodel import Session

import app.models  # noqa: F401  (registers every table)
from app.core.db import create_db_engine, metadata
from app.core.runtime import Runtime
from app.demo.seed import seed_demo
from app.main import create_app
from app.reference_data import install_reference_data
from tests.conftest import make_settings

READY_ATTEMPTS = 200
READY_POLL_S = 0.05


@dataclass(frozen=True)
class LiveServer:
    url: str
    runtime: Runtime


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seeded_database(data_dir: Path) -> str:
    url = f"sqlite:///{data_dir / 'tantou.db'}"
    engine = create_db_engine(url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        install_reference_data(connection)
    with Session(engine) as session:
        seed_demo(session, history=False)
        session.commit()
    engine.dispose()
    return url


@contextmanager
def live_server(data_dir: Path) -> Iterator[LiveServer]:
    """Serve the demo county until the block ends."""
    # Webhook receivers of browser tests listen on loopback (the contract's setting for tests).
    settings = make_settings(_seeded_database(data_dir), data_dir, webhook_allow_private=True)
    runtime = Runtime.from_settings(settings)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime=runtime),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            proxy_headers=False,  # as `tantou serve` runs it
        )
    )
    thread = threading.Thread(target=server.run, name="tantou-live-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, thread)
        yield LiveServer(url=url, runtime=runtime)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.engine.dispose()


def _wait_until_healthy(url: str, thread: threading.Thread) -> None:
    for _attempt in range(READY_ATTEMPTS):
        try:
            if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        # Waiting on the server thread (not sleeping) also notices a server that died starting.
        thread.join(timeout=READY_POLL_S)
        if not thread.is_alive():
            raise RuntimeError("the live server stopped while starting")
    raise RuntimeError(f"the live server at {url} did not become healthy")
