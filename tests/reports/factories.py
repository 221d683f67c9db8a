"""Plain factories for report tests: form posts, photo parts, a live server, streams."""

import contextlib
import json
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel, func, select

from app.core.runtime import Runtime
from app.reports.photo_redaction import finish_queued_redaction
from tests.factories import GRID_POINT
from tests.fixtures.reports import GARBAGE
from tests.photos.factories import make_jpeg

DIRTY_ROAD = "0104"  # 道路不洁, another ordinary category
ROAD_COLLAPSE = "0401"  # 路面塌陷, an emergency: urgent whatever the rider says
PhotoPart = tuple[str, tuple[str, bytes, str]]


def report_fields(**overrides: object) -> dict[str, str]:
    """The form fields of a rider's report at GRID_POINT; an override of None drops a field."""
    lon, lat = GRID_POINT
    fields: dict[str, object] = {
        "category": GARBAGE,
        "client_id": str(uuid.uuid4()),
        "description": "小区门口垃圾堆放",
        "lat": lat,
        "lon": lon,
    }
    fields.update(overrides)
    return {name: _form_value(value) for name, value in fields.items() if value is not None}


def photo_parts(*photos: bytes) -> list[PhotoPart]:
    """Multipart parts named `photo`, with a meaningless name and type (the bytes decide)."""
    return [
        ("photo", (f"upload{i}.bin", data, "application/octet-stream"))
        for i, data in enumerate(photos)
    ]


def small_jpeg(**kwargs: Any) -> bytes:
    """A small test-camera JPEG (EXIF Make/Model, and GPS if given as gps=(lon, lat))."""
    return make_jpeg(320, 240, **kwargs)


def post_report(
    client: TestClient | httpx.Client,
    headers: dict[str, str],
    photos: tuple[bytes, ...] | None = None,
    /,
    **fields: object,
) -> Any:
    """POST /api/v1/reports with report_fields(**fields) and the photos (one small JPEG if None);
    the response of the client given (TestClient's or httpx's)."""
    parts = photo_parts(*(photos if photos is not None else (small_jpeg(),)))
    return client.post(
        "/api/v1/reports", data=report_fields(**fields), files=parts or None, headers=headers
    )


def redact_taken_photos(client: TestClient) -> None:
    """Wait until the photos the client's app took in are redacted (an upload is acknowledged
    before its photos are, and they have no URL until then)."""
    app = client.app
    assert isinstance(app, FastAPI)
    runtime = app.state.runtime
    assert isinstance(runtime, Runtime)
    finish_queued_redaction(runtime)


def once_redacted(client: TestClient, headers: dict[str, str], report: dict[str, Any]) -> Any:
    """The report read again by `headers`' account once its photos are redacted."""
    redact_taken_photos(client)
    response = client.get(f"/api/v1/reports/{report['id']}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@dataclass
class Elapsed:
    """CPU seconds of this process and wall seconds spent in a `timed()` block."""

    cpu_s: float = 0.0
    wall_s: float = 0.0


@contextmanager
def timed() -> Iterator[Elapsed]:
    """Measure a block. The app under TestClient runs in this process and its image workers are
    this process's descendants, so their CPU time together is the work done for the request,
    whatever else loads a shared machine; wall time catches a request that waits instead of
    working."""
    elapsed = Elapsed()
    cpu_started, wall_started = _cpu_seconds_with_descendants(), time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed.cpu_s = _cpu_seconds_with_descendants() - cpu_started
        elapsed.wall_s = time.perf_counter() - wall_started


def _cpu_seconds_with_descendants() -> float:
    ticks_per_s = os.sysconf("SC_CLK_TCK")
    return time.process_time() + sum(
        (stat.utime_ticks + stat.stime_ticks) / ticks_per_s
        for stat in descendant_stats(os.getpid())
    )


@dataclass(frozen=True)
class ProcessStat:
    pid: int
    parent_pid: int
    utime_ticks: int
    stime_ticks: int
    rss_pages: int


def descendant_stats(root_pid: int) -> list[ProcessStat]:
    """/proc/<pid>/stat of every live descendant of root_pid (not root_pid itself)."""
    stats: dict[int, ProcessStat] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces and parentheses: fields start after the last ")".
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        pid = int(stat_file.parent.name)
        stats[pid] = ProcessStat(
            pid, int(fields[1]), int(fields[11]), int(fields[12]), int(fields[21])
        )
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.parent_pid, []).append(stat.pid)
    found, pending = [], list(children.get(root_pid, []))
    while pending:
        pid = pending.pop()
        found.append(stats[pid])
        pending.extend(children.get(pid, []))
    return found


def count_rows(session: Session, table: type[SQLModel]) -> int:
    """Rows of a table as committed now.

    Commits around the count: the test's session writes, and on SQLite an open writing
    transaction would hold the write lock that the app under test needs.
    """
    session.commit()
    count = session.exec(select(func.count()).select_from(table)).one()
    session.commit()
    return int(count)


def stored_files(photo_dir: Path) -> list[Path]:
    """Every file under the photo store, temporary files included."""
    if not photo_dir.exists():
        return []
    return sorted(path for path in photo_dir.rglob("*") if path.is_file())


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free local port in a thread; yields its base URL.

    The socket listens before the thread starts, so clients may connect at once: connections
    wait in the backlog until the server accepts them.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def _form_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class StreamMessage:
    """One server-sent event or comment, stamped with time.monotonic() on arrival."""

    received_at: float
    event: str | None
    data: Any
    comment: str | None


class EventStreamListener:
    """Reads a server-sent event stream in a thread; messages arrive on `messages`.

    A raw HTTP/1.0 socket rather than an HTTP library: closing it from the test's thread
    (shutdown) reliably ends a read that is blocked waiting for the next event.
    """

    def __init__(self, base_url: str, path: str) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self.messages: queue.Queue[StreamMessage] = queue.Queue()
        self.status_line = ""
        self.headers: dict[str, str] = {}
        self._refusal_body: queue.Queue[str] = queue.Queue()
        self._socket = socket.create_connection((host, int(port)), timeout=30)
        request = f"GET {path} HTTP/1.0\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
        self._socket.sendall(request.encode())
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def next_message(self, timeout_s: float) -> StreamMessage:
        """The next message; queue.Empty if none arrives within timeout_s."""
        return self.messages.get(timeout=timeout_s)

    def next_event(self, timeout_s: float) -> StreamMessage:
        """The next message that is an event (comments skipped)."""
        deadline = time.monotonic() + timeout_s
        while True:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if message.event is not None:
                return message

    def read_refusal(self, timeout_s: float) -> str:
        """The body of a response that was not a stream (an error); queue.Empty if none."""
        return self._refusal_body.get(timeout=timeout_s)

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the server may have closed it first
            self._socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=10)
        self._socket.close()

    def _read(self) -> None:
        lines = self._socket.makefile("rb")
        try:
            self.status_line = lines.readline().decode().strip()
            while header := lines.readline().decode().strip():
                name, _, value = header.partition(":")
                self.headers[name.strip().lower()] = value.strip()
            if self.status_line.split()[1] != "200":
                self._refusal_body.put(lines.read().decode())
                return
            self._read_events(lines)
        except OSError:
            pass  # closed by close()

    def _read_events(self, lines: Any) -> None:
        event: str | None = None
        data: list[str] = []
        for raw in lines:
            line = raw.decode().rstrip("\r\n")
            if line.startswith(":"):
                self.messages.put(StreamMessage(time.monotonic(), None, None, line[1:].strip()))
            elif line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data.append(line.removeprefix("data:").strip())
            elif not line and (event or data):
                payload = json.loads("\n".join(data)) if data else None
                self.messages.put(
                    StreamMessage(time.monotonic(), event or "message", payload, None)
                )
                event, data = None, []
