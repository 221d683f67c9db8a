"""Two real server processes on two ports sharing one PostgreSQL, as on two machines: the jobs
run once, the rate limits hold across both, a grid import on one is used by the other, a
crashed job holder's work is taken over by the survivor, a report sent to one reaches a stream
on the other, and photos taken in by one are served by the other from one S3 bucket."""

import re
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from app.cases.models import Task
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import create_db_engine, writer_engine
from app.core.leases import holder_of
from app.demo.fengyang import demo_grids
from app.photos.keys import content_key
from app.reports.models import ReportEvent, ReportEventKind
from tests.cluster.harness import ServerGroup, ServerProcess, server_group
from tests.conftest import TEST_SECRET_KEY, make_settings
from tests.factories import GRID, seed_grids
from tests.fixtures.people import People, Person, unit_code_of
from tests.fixtures.reports import make_report
from tests.reports.factories import EventStreamListener, photo_parts, report_fields, small_jpeg
from tests.riders.test_registration import REGISTRATION
from tests.s3 import S3Server
from tests.waiting import eventually

METRICS_TOKEN = "metrics-token-for-the-cluster-tests-0123456789"
LEASE_S = 2.0
BASE_SETTINGS: dict[str, object] = {
    "env": "test",
    "secret_key": TEST_SECRET_KEY,
    "metrics_token": METRICS_TOKEN,
    "rate_limits": False,
    "overdue_check_seconds": 1,
    "job_lease_seconds": LEASE_S,
    "image_workers": 1,
}


@pytest.fixture
def engine(shared_database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(shared_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def people(engine: Engine, shared_database_url: str, tmp_path: Path) -> Iterator[People]:
    with Session(writer_engine(engine), expire_on_commit=False) as session:
        seed_grids(session)
        yield People(session, _settings(shared_database_url, tmp_path))


def _settings(database_url: str, data_dir: Path) -> Settings:
    return make_settings(database_url, data_dir, secret_key=TEST_SECRET_KEY)


def _group(
    database_url: str, data_dir: Path, **settings: object
) -> AbstractContextManager[ServerGroup]:
    return server_group(database_url, data_dir / "servers", {**BASE_SETTINGS, **settings})


def _api(
    server: ServerProcess, method: str, path: str, who: Person | None = None, **kw: Any
) -> httpx.Response:
    headers = who.headers if who else {}
    return httpx.request(method, f"{server.url}/api/v1{path}", headers=headers, timeout=30, **kw)


def _send_photo_report(server: ServerProcess, rider: Person) -> httpx.Response:
    """A rider's report with one small photo, sent to `server`."""
    files = photo_parts(small_jpeg())
    return _api(server, "POST", "/reports", rider, data=report_fields(), files=files)


def _overdue_task(server: ServerProcess, engine: Engine, people: People) -> int:
    """A report accepted and dispatched through `server`, its task's deadline then moved into
    the past (as time passing would)."""
    with Session(writer_engine(engine)) as session:
        report_id = make_report(session, people.rider.id).id
    coordinator = people.coordinator
    assert _api(server, "POST", f"/reports/{report_id}/accept", coordinator, json={}).is_success
    body = {"unit_code": unit_code_of(people.property_unit), "note": "请尽快处置"}
    dispatched = _api(server, "POST", f"/reports/{report_id}/tasks", coordinator, json=body)
    assert dispatched.status_code == 201, dispatched.text
    task_id = int(dispatched.json()["id"])
    with Session(writer_engine(engine)) as session:
        past = utcnow() - timedelta(minutes=1)
        session.execute(update(Task).where(col(Task.id) == task_id).values(due_at=past))
        session.commit()
    return task_id


def _overdue_events(engine: Engine, task_ids: list[int]) -> dict[int, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(ReportEvent.task_id, func.count())
            .where(
                col(ReportEvent.kind) == ReportEventKind.TASK_OVERDUE,
                col(ReportEvent.task_id).in_(task_ids),
            )
            .group_by(col(ReportEvent.task_id))
        ).all()
    return {task_id: count for task_id, count in rows if task_id is not None}


def _job_runs(server: ServerProcess, job: str) -> float:
    metrics = httpx.get(
        f"{server.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30
    )
    assert metrics.status_code == 200, metrics.text
    pattern = rf'^tantou_job_runs_total\{{job="{job}",outcome="ok"\}} (\S+)$'
    return sum(float(m.group(1)) for m in re.finditer(pattern, metrics.text, re.MULTILINE))


def _lease_holder_pid(engine: Engine, job: str) -> int | None:
    with Session(engine) as session:
        holder = holder_of(session, job, now=utcnow())
    return int(holder.split(":")[1]) if holder else None


def test_the_overdue_job_runs_in_one_process_and_acts_once(
    shared_database_url: str, tmp_path: Path, engine: Engine, people: People
) -> None:
    with _group(shared_database_url, tmp_path) as group:
        first, second = group.start(), group.start()
        task_ids = [_overdue_task(server, engine, people) for server in (first, second)]
        eventually(lambda: _overdue_events(engine, task_ids) == dict.fromkeys(task_ids, 1))
        runs = [_job_runs(server, "overdue_check") for server in (first, second)]
        # One process ran every check; the other never did.
        assert sorted(run > 0 for run in runs) == [False, True], runs
        holder_pid = _lease_holder_pid(engine, "overdue_check")
        assert holder_pid == (first if runs[0] else second).pid
        assert _overdue_events(engine, task_ids) == dict.fromkeys(task_ids, 1)


def test_a_rate_limit_holds_across_both_processes(shared_database_url: str, tmp_path: Path) -> None:
    limit = 10
    with _group(
        shared_database_url, tmp_path, rate_limits=True, rate_limit_per_minute=limit
    ) as group:
        servers = [group.start(), group.start()]
        # Clear of a minute's end: the sliding window's share of the previous minute (none
        # here) must not change while the requests are counted.
        eventually(lambda: time.time() % 60 < 45, timeout_s=20, what="a minute's first 45 s")
        statuses = [
            _api(servers[n % 2], "GET", "/categories").status_code for n in range(2 * limit)
        ]
    assert statuses.count(200) == limit, statuses
    assert statuses[:limit] == [200] * limit
    # Both processes refuse once the shared count is reached.
    assert set(statuses[limit::2]) == {429}
    assert set(statuses[limit + 1 :: 2]) == {429}


def _moved_grid(lon: float, lat: float) -> dict[str, Any]:
    """GRID's feature, moved to a small square around (lon, lat)."""
    [feature] = [f for f in demo_grids()["features"] if f["properties"]["code"] == GRID]
    d = 0.001
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    feature["geometry"] = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    return {"type": "FeatureCollection", "features": [feature]}


def test_a_grid_import_on_one_is_used_by_the_other_within_a_second(
    shared_database_url: str, tmp_path: Path, people: People
) -> None:
    lon, lat = 117.60, 32.95  # in the county, outside every demo grid

    def located_grid(server: ServerProcess) -> str | None:
        where = _api(
            server, "GET", "/grids/locate", people.coordinator, params={"lon": lon, "lat": lat}
        )
        assert where.status_code == 200, where.text
        grid = where.json()["grid"]
        return grid["code"] if grid else None

    with _group(shared_database_url, tmp_path) as group:
        importer, other = group.start(), group.start()
        assert located_grid(other) is None  # the other has built its index
        imported = _api(importer, "POST", "/grids/import", people.admin, json=_moved_grid(lon, lat))
        assert imported.json() == {"created": 0, "updated": 1}
        assert located_grid(importer) == GRID
        eventually(lambda: located_grid(other) == GRID, timeout_s=1.0, what="the other reloads")


def test_a_killed_job_holder_loses_nothing_and_the_other_takes_its_jobs_over(
    shared_database_url: str, tmp_path: Path, engine: Engine, people: People
) -> None:
    with _group(shared_database_url, tmp_path) as group:
        servers = [group.start(), group.start()]
        eventually(lambda: _lease_holder_pid(engine, "overdue_check") is not None)
        [holder] = [s for s in servers if s.pid == _lease_holder_pid(engine, "overdue_check")]
        [survivor] = [s for s in servers if s is not holder]
        # Due while the holder runs its checks every second: it may be claiming this one now.
        task_ids = [_overdue_task(survivor, engine, people)]
        holder.kill()
        killed_at = time.monotonic()
        task_ids.append(_overdue_task(survivor, engine, people))  # due after the crash
        eventually(lambda: _lease_holder_pid(engine, "overdue_check") == survivor.pid)
        # The survivor waited for the dead holder's lease to expire before taking it.
        assert time.monotonic() - killed_at > LEASE_S / 2
        eventually(lambda: _overdue_events(engine, task_ids) == dict.fromkeys(task_ids, 1))
        for job in ("photo_sweep", "webhook_delivery", "rate_window_sweep", "caller_retention"):
            eventually(lambda job=job: _lease_holder_pid(engine, job) == survivor.pid, what=job)
        with Session(engine) as session:
            marked = session.exec(select(Task.overdue_at).where(col(Task.id).in_(task_ids))).all()
        assert all(marked)
        assert _job_runs(survivor, "overdue_check") > 0


def test_two_machines_share_photos_through_one_bucket(
    shared_database_url: str,
    tmp_path: Path,
    people: People,
    s3_server: S3Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bucket = s3_server.new_bucket()
    environment = s3_server.environment_for(bucket)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        monkeypatch.setenv(name, environment[name])
    store = {
        "photo_store": environment["TANTOU_PHOTO_STORE"],
        "s3_endpoint_url": environment["TANTOU_S3_ENDPOINT_URL"],
    }
    # Two data dirs, as on two machines: nothing but the database and the bucket is shared.
    with (
        _group(shared_database_url, tmp_path / "a", **store) as machine_a,
        _group(shared_database_url, tmp_path / "b", **store) as machine_b,
    ):
        receiver, reader = machine_a.start(), machine_b.start()
        sent = _send_photo_report(receiver, people.rider)
        assert sent.status_code == 201, sent.text
        report_id = sent.json()["id"]

        def photo_url_on_reader() -> str | None:
            read = _api(reader, "GET", f"/reports/{report_id}", people.coordinator)
            assert read.status_code == 200, read.text
            [photo] = read.json()["photos"]
            return photo["url"] if photo["ready"] else None

        eventually(lambda: photo_url_on_reader() is not None, what="the photo is redacted")
        url = photo_url_on_reader()
        assert url is not None
        served = httpx.get(f"{reader.url}{url}", timeout=30)

    assert served.status_code == 200
    key = url.split("?")[0].rsplit("/", 1)[1].removesuffix(".jpg")
    assert content_key(served.content) == key
    assert f"city/photos/{key[:2]}/{key[2:4]}/{key}.jpg" in s3_server.object_names(bucket)
    for machine in ("a", "b"):
        assert not (tmp_path / machine / "servers" / "photos").exists()


def test_a_report_sent_to_one_reaches_a_stream_opened_on_the_other(
    shared_database_url: str, tmp_path: Path, people: People
) -> None:
    with _group(shared_database_url, tmp_path) as group:
        receiver, watcher = group.start(), group.start()
        path = f"/api/v1/reports/stream?access_token={people.coordinator.token}"
        stream = EventStreamListener(watcher.url, path)
        try:
            assert stream.next_message(30).event == "ready", stream.status_line
            sent = _send_photo_report(receiver, people.rider)
            assert sent.status_code == 201, sent.text
            event = stream.next_event(30)
        finally:
            stream.close()

    assert (event.event, event.data["id"]) == ("new_report", sent.json()["id"])


def test_a_registration_sent_to_one_reaches_an_inbox_stream_opened_on_the_other(
    shared_database_url: str, tmp_path: Path, people: People
) -> None:
    with _group(shared_database_url, tmp_path) as group:
        receiver, watcher = group.start(), group.start()
        path = f"/api/v1/me/inbox/stream?access_token={people.coordinator.token}"
        stream = EventStreamListener(watcher.url, path)
        try:
            assert stream.next_message(30).event == "ready", stream.status_line
            sent = httpx.post(f"{receiver.url}/api/v1/riders", json=REGISTRATION, timeout=30)
            assert sent.status_code == 201, sent.text
            event = stream.next_event(30)
        finally:
            stream.close()

    assert (event.event, event.data["kind"]) == ("notification", "rider_registered")
