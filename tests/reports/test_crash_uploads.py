"""kill -9 of a real server mid-upload, many times: after the sweep no orphan file, no half
report, and every report whose 201/200 reached the client is complete with its photos."""

import io
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import httpx
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.core.db import create_db_engine, writer_engine
from app.core.security import issue_token
from app.photos.file_store import FileStore
from app.photos.keys import FILE_SUFFIX, STAGED_SUFFIX
from app.reports.models import Report, ReportEvent, ReportPhoto
from app.reports.photo_sweep import sweep_photo_store
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_account, seed_grids
from tests.reports.factories import photo_parts, report_fields

RUNS = 10
PHOTOS_PER_REPORT = 6
UPLOADERS = 2
START_DEADLINE_S = 60.0
FIRST_REPORT_DEADLINE_S = 120.0
ACKNOWLEDGED = (200, 201)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def tantou_serve(database_url: str, data_dir: Path, log: Path) -> Iterator[tuple[str, int]]:
    """`tantou serve` in its own process group; yields its URL and the group id to kill."""
    port = _free_port()
    env = {
        **os.environ,
        "TANTOU_ENV": "test",
        "TANTOU_DATABASE_URL": database_url,
        "TANTOU_DATA_DIR": str(data_dir),
        "TANTOU_SECRET_KEY": TEST_SECRET_KEY,
        "TANTOU_RATE_LIMITS": "false",
    }
    tantou = Path(sys.executable).with_name("tantou")
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(tantou), "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url, process.pid
    finally:
        kill_group(process)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    # The server, its fork server and image workers: all of the group this test started.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tantou serve exited with {process.returncode} while starting")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        threading.Event().wait(0.05)
    raise RuntimeError(f"tantou serve at {url} did not become healthy")


def distinct_jpeg(rng: random.Random) -> bytes:
    """A phone-sized photo whose content (so its stored files) no other upload shares."""
    picture = Image.new("RGB", (1024, 768), tuple(rng.randrange(256) for _ in range(3)))
    picture.paste(tuple(rng.randrange(256) for _ in range(3)), (0, 0, rng.randrange(1, 1024), 300))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class Uploader(threading.Thread):
    """Sends 6-photo reports one after another until the server goes away."""

    def __init__(self, url: str, headers: dict[str, str], rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.url, self.headers, self.rng = url, headers, rng
        self.acknowledged: dict[str, int] = {}
        self.last_upload_s = 0.0
        self.interrupted = False
        self.first_acknowledged = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            while True:
                client_id = str(uuid.uuid4())
                photos = [distinct_jpeg(self.rng) for _ in range(PHOTOS_PER_REPORT)]
                started = time.perf_counter()
                try:
                    response = client.post(
                        "/api/v1/reports",
                        data=report_fields(client_id=client_id),
                        files=photo_parts(*photos),
                        headers=self.headers,
                    )
                except httpx.TransportError:
                    self.interrupted = True
                    return
                assert response.status_code in ACKNOWLEDGED, response.text
                self.acknowledged[client_id] = response.json()["id"]
                self.last_upload_s = time.perf_counter() - started
                self.first_acknowledged.set()


def rider_headers(engine: Engine) -> dict[str, str]:
    # A writer session: the server's jobs write at start-up, and on SQLite a deferred
    # transaction that reads and then writes would fail at once (SQLITE_BUSY_SNAPSHOT).
    with Session(writer_engine(engine), expire_on_commit=False) as session:
        seed_grids(session)
        rider = make_account(session, Role.RIDER, "13800000001")
        session.commit()
    assert rider.id is not None
    token = issue_token(rider.id, secret_key=TEST_SECRET_KEY, lifetime=timedelta(hours=1))
    return {"Authorization": f"Bearer {token.access_token}"}


def test_kill_9_mid_upload_leaves_nothing_half_done_after_the_sweep(
    empty_database_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    engine = create_db_engine(empty_database_url)
    rng = random.Random(20261202)
    acknowledged: dict[str, int] = {}
    interrupted_runs = 0
    headers: dict[str, str] = {}
    for _run in range(RUNS):
        with tantou_serve(empty_database_url, data_dir, log) as (url, group):
            headers = headers or rider_headers(engine)  # the first start has migrated
            uploaders = [
                Uploader(url, headers, random.Random(rng.random())) for _ in range(UPLOADERS)
            ]
            for uploader in uploaders:
                uploader.start()
            # After a first report made it, at any moment of the uploads then in flight: image
            # work, file writes, the insert, the commit or the answer.
            assert uploaders[0].first_acknowledged.wait(FIRST_REPORT_DEADLINE_S)
            upload_s = max(uploader.last_upload_s for uploader in uploaders)
            threading.Event().wait(rng.uniform(0, 1.2 * upload_s))
            os.killpg(group, signal.SIGKILL)
            for uploader in uploaders:
                uploader.join(timeout=60)
        interrupted_runs += any(uploader.interrupted for uploader in uploaders)
        for uploader in uploaders:
            acknowledged.update(uploader.acknowledged)
    assert interrupted_runs >= RUNS // 2, "the kills did not land mid-upload"

    store = FileStore(data_dir / "photos")
    sweep_photo_store(engine, store, grace=timedelta(0))

    with Session(engine) as session:
        reports = {report.client_id: report for report in session.exec(select(Report)).all()}
        photos = session.exec(select(ReportPhoto)).all()
        event_report_ids = set(session.exec(select(col(ReportEvent.report_id)).distinct()))
    engine.dispose()
    photo_counts = Counter(photo.report_id for photo in photos)
    # Every acknowledged report is there, with its photos.
    assert {client_id: reports[client_id].id for client_id in acknowledged} == acknowledged
    # No half report: each one has its six photos and its first timeline entry.
    assert {report.id: photo_counts.get(report.id) for report in reports.values()} == {
        report.id: PHOTOS_PER_REPORT for report in reports.values()
    }
    assert event_report_ids == {report.id for report in reports.values()}
    # No orphan, nothing staged, and no row without its files.
    on_disk = sorted(store.root.rglob("*")) if store.root.exists() else []
    files = [path for path in on_disk if path.is_file()]
    assert [path for path in files if path.name.endswith(STAGED_SUFFIX)] == []
    referenced = {key for photo in photos for key in (photo.display_key, photo.thumbnail_key)}
    assert {path.name.removesuffix(FILE_SUFFIX) for path in files} == referenced
