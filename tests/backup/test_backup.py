"""tantou backup / restore: a copy taken while reports are written, restored into empty places."""

import hashlib
import io
import itertools
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from PIL import Image
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from app.backup.database import refuse_non_empty_database
from app.backup.errors import BackupError
from app.backup.manifest import MANIFEST_NAME
from app.backup.postgres_tools import find_tool
from app.backup.service import create_backup, restore_backup
from app.cli import main as tantou
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import create_db_engine, writer_engine
from app.core.migrations import alembic_config, upgrade_to_head
from app.core.runtime import Runtime
from app.main import create_app
from app.photos.file_store import FileStore
from app.reports.models import Report, ReportPhoto
from app.reports.photo_redaction import ABANDONED_AFTER, redact_waiting_photos
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import seed_grids
from tests.fixtures.people import People, Person
from tests.photos.factories import make_jpeg
from tests.postgres import Cluster
from tests.reports.factories import live_server, post_report
from tests.waiting import eventually

_database_numbers = itertools.count()
WAIT_S = 60.0


@dataclass
class Place:
    """A data dir and the database a Tantou uses with it."""

    settings: Settings

    @property
    def url(self) -> str:
        return self.settings.resolved_database_url


@dataclass
class Places:
    source: Place
    target: Place
    backup_dir: Path


@pytest.fixture(params=["sqlite", "postgresql"])
def places(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Places]:
    """A migrated source database and an empty target one, on the same backend."""
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / name / 'tantou.db'}" for name in ("source", "target")]
        yield _places(tmp_path, urls)
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    names = [f"backup_{next(_database_numbers)}" for _ in range(2)]
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f"CREATE DATABASE {name}"))
    yield _places(tmp_path, [cluster.url(name) for name in names])
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _places(tmp_path: Path, urls: list[str]) -> Places:
    source_url, target_url = urls
    source = Place(make_settings(source_url, tmp_path / "source"))
    target = Place(make_settings(target_url, tmp_path / "target"))
    upgrade_to_head(source.url)
    return Places(source, target, tmp_path / "backup")


@pytest.fixture
def runtime(places: Places) -> Iterator[Runtime]:
    runtime = Runtime.from_settings(places.source.settings)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def people(runtime: Runtime) -> People:
    with Session(writer_engine(runtime.engine), expire_on_commit=False) as session:
        seed_grids(session)
        people = People(session, runtime.settings)
        _ = people.rider
    return people


def distinct_photo(number: int) -> bytes:
    """A small JPEG unlike the others, so that each report brings files of its own."""
    return make_jpeg(320 + number % 400, 240 + number // 400)


@dataclass
class ReportWriter:
    """Posts reports with a photo to a live server in a loop, until stopped."""

    base_url: str
    rider: Person
    acknowledged: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    # (sent, answered) of every request, by time.monotonic()
    requests: list[tuple[float, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._write, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=WAIT_S)

    def acknowledged_so_far(self) -> list[int]:
        with self._lock:
            return list(self.acknowledged)

    def _write(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=WAIT_S) as http:
            for number in itertools.count():
                if self._stop.is_set():
                    return
                photo = distinct_photo(number)
                sent = time.monotonic()
                response = post_report(http, self.rider.headers, (photo,))
                with self._lock:
                    self.requests.append((sent, time.monotonic()))
                    if response.status_code == 201:
                        self.acknowledged.append(response.json()["id"])
                    else:
                        self.failures.append(f"{response.status_code} {response.text[:200]}")


def post_reports(runtime: Runtime, people: People, count: int) -> list[int]:
    with english_client(create_app(runtime=runtime)) as client:
        ids = []
        for number in range(count):
            response = post_report(client, people.rider.headers, (distinct_photo(number),))
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
    return ids


def backup_files(backup_dir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(backup_dir).as_posix(): path.read_bytes()
        for path in backup_dir.rglob("*")
        if path.is_file() and path.name != MANIFEST_NAME
    }


def assert_target_untouched(places: Places) -> None:
    data_dir = places.target.settings.data_dir
    assert not data_dir.exists() or not any(data_dir.iterdir())
    refuse_non_empty_database(places.target.url)  # raises if anything was restored


def test_backup_while_reports_are_written_restores_every_acknowledged_report_with_photos(
    places: Places, runtime: Runtime, people: People
) -> None:
    with live_server(create_app(runtime=runtime)) as base_url:
        writer = ReportWriter(base_url, people.rider)
        writer.start()
        try:
            eventually(lambda: len(writer.acknowledged_so_far()) >= 5, WAIT_S, "the first reports")
            acknowledged_before = writer.acknowledged_so_far()
            backup_started = time.monotonic()
            create_backup(places.source.settings, places.backup_dir)
            backup_ended = time.monotonic()
            after_backup = len(writer.acknowledged_so_far())
            # The server kept taking reports through the backup and after it.
            eventually(
                lambda: len(writer.acknowledged_so_far()) > after_backup + 2, WAIT_S, "more reports"
            )
        finally:
            writer.stop()
    assert writer.failures == []
    # A report was on its way through the server while the copy was being taken.
    assert any(
        sent < backup_ended and answered > backup_started for sent, answered in writer.requests
    )

    restore_backup(places.target.settings, places.backup_dir)

    restored = Runtime.from_settings(places.target.settings)
    try:
        # Photos the source had not redacted yet are the job's once no process holds them.
        redact_waiting_photos(restored, now=utcnow() + ABANDONED_AFTER)
        with english_client(create_app(runtime=restored)) as client:
            for report_id in acknowledged_before:
                response = client.get(f"/api/v1/reports/{report_id}", headers=people.rider.headers)
                assert response.status_code == 200, response.text
                photos = response.json()["photos"]
                assert len(photos) == 1
                for url in (photos[0]["url"], photos[0]["thumbnail_url"]):
                    served = client.get(url)
                    assert served.status_code == 200, url
                    assert Image.open(io.BytesIO(served.content)).size[0] > 0
        # Reports committed while the copy ran are either whole in it or absent: no row names
        # a photo the restored store lacks.
        store = FileStore(places.target.settings.photo_dir)
        with Session(restored.engine) as session:
            restored_ids = set(session.exec(select(Report.id)))
            for photo in session.exec(select(ReportPhoto)):
                assert store.read(photo.display_key), photo.display_key
                assert hashlib.sha256(store.read(photo.thumbnail_key)).hexdigest() == (
                    photo.thumbnail_key
                )
        assert set(acknowledged_before) <= restored_ids
        assert restored_ids <= set(writer.acknowledged)
    finally:
        restored.engine.dispose()


def test_manifest_lists_every_file_with_its_checksum_and_the_counts(
    places: Places, runtime: Runtime, people: People
) -> None:
    report_ids = post_reports(runtime, people, 3)
    # A staged upload caught mid-write is not a photo and stays out of the backup.
    store = FileStore(places.source.settings.photo_dir)
    (store.root / "ab" / "cd").mkdir(parents=True)
    (store.root / "ab" / "cd" / f".{'a' * 64}.0123456789abcdef.tmp").write_bytes(b"half")

    create_backup(places.source.settings, places.backup_dir)

    manifest = json.loads((places.backup_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    files = backup_files(places.backup_dir)
    assert {entry["path"] for entry in manifest["files"]} == set(files)
    for entry in manifest["files"]:
        content = files[entry["path"]]
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
    kind = "sqlite" if places.source.settings.is_sqlite else "postgresql"
    assert manifest["format"] == "tantou-backup"
    assert manifest["format_version"] == 1
    assert manifest["database_kind"] == kind
    assert manifest["database_file"] in files
    heads = ScriptDirectory.from_config(alembic_config(places.source.url)).get_heads()
    assert [manifest["migration_revision"]] == heads
    assert datetime.fromisoformat(manifest["created_at"]).utcoffset() is not None
    assert manifest["counts"]["tables"]["report"] == len(report_ids)
    assert manifest["counts"]["tables"]["report_photo"] == len(report_ids)
    photo_paths = [path for path in files if path.startswith("photos/")]
    with Session(runtime.engine) as session:
        photos = session.exec(select(ReportPhoto)).all()
    keys = {photo.display_key for photo in photos} | {photo.thumbnail_key for photo in photos}
    assert sorted(photo_paths) == sorted(f"photos/{k[:2]}/{k[2:4]}/{k}.jpg" for k in keys)
    assert manifest["counts"]["photo_files"] == len(keys)
    assert manifest["counts"]["photo_bytes"] == sum(len(files[path]) for path in photo_paths)
    assert not any(path.endswith(".tmp") for path in files)
    # A backup holds password hashes and phone numbers: for its owner's eyes only.
    assert stat.S_IMODE(places.backup_dir.stat().st_mode) == 0o700


@pytest.mark.parametrize("tampered", ["photo", "database"])
def test_restore_refuses_a_tampered_backup_and_restores_nothing(
    places: Places, runtime: Runtime, people: People, tampered: str
) -> None:
    post_reports(runtime, people, 2)
    create_backup(places.source.settings, places.backup_dir)
    paths = sorted(backup_files(places.backup_dir))
    victim = next(p for p in paths if p.startswith("photos/" if tampered == "photo" else "data"))
    path = places.backup_dir / victim
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))

    with pytest.raises(BackupError, match=victim):
        restore_backup(places.target.settings, places.backup_dir)
    assert_target_untouched(places)


def test_restore_refuses_a_manifest_naming_a_path_outside_the_backup(
    places: Places, runtime: Runtime, people: People
) -> None:
    create_backup(places.source.settings, places.backup_dir)
    manifest_path = places.backup_dir / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    outside = places.target.settings.data_dir.parent / "outside.jpg"
    outside.write_bytes(b"not ours")
    manifest["files"].append({"path": "../outside.jpg", "bytes": 8, "sha256": "0" * 64})
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(BackupError, match=r"\.\./outside\.jpg"):
        restore_backup(places.target.settings, places.backup_dir)
    assert_target_untouched(places)


def test_restore_refuses_a_non_empty_data_dir(
    places: Places, runtime: Runtime, people: People
) -> None:
    post_reports(runtime, people, 1)
    create_backup(places.source.settings, places.backup_dir)
    data_dir = places.target.settings.data_dir
    data_dir.mkdir()
    (data_dir / "notes.txt").write_text("someone's file", encoding="utf-8")

    with pytest.raises(BackupError, match="data dir is not empty"):
        restore_backup(places.target.settings, places.backup_dir)
    assert [p.name for p in data_dir.iterdir()] == ["notes.txt"]
    refuse_non_empty_database(places.target.url)


def test_restore_refuses_a_database_that_holds_data(
    places: Places, runtime: Runtime, people: People
) -> None:
    report_ids = post_reports(runtime, people, 1)
    create_backup(places.source.settings, places.backup_dir)
    # The target names the source's own database, with an empty data dir of its own.
    over_source = make_settings(places.source.url, places.target.settings.data_dir)

    with pytest.raises(BackupError, match="target database"):
        restore_backup(over_source, places.backup_dir)
    assert not over_source.data_dir.exists()
    with Session(create_db_engine(places.source.url)) as session:
        assert list(session.exec(select(Report.id))) == report_ids


def test_restore_refuses_an_unfinished_backup(
    places: Places, runtime: Runtime, people: People
) -> None:
    create_backup(places.source.settings, places.backup_dir)
    (places.backup_dir / MANIFEST_NAME).unlink()

    with pytest.raises(BackupError, match="unfinished backup"):
        restore_backup(places.target.settings, places.backup_dir)
    assert_target_untouched(places)


def test_backup_fails_rather_than_miss_a_photo_the_database_references(
    places: Places, runtime: Runtime, people: People
) -> None:
    post_reports(runtime, people, 2)
    with Session(runtime.engine) as session:
        lost = session.exec(select(ReportPhoto)).first()
    assert lost is not None
    FileStore(places.source.settings.photo_dir).delete(lost.display_key)

    with pytest.raises(
        BackupError, match=f"1 photo files the database references .*{lost.display_key}"
    ):
        create_backup(places.source.settings, places.backup_dir)
    assert list(places.backup_dir.iterdir()) == []


def test_backup_refuses_a_directory_that_holds_files(places: Places, runtime: Runtime) -> None:
    places.backup_dir.mkdir()
    (places.backup_dir / "old.txt").write_text("an older backup", encoding="utf-8")

    with pytest.raises(BackupError, match="backup directory is not empty"):
        create_backup(places.source.settings, places.backup_dir)
    assert [p.name for p in places.backup_dir.iterdir()] == ["old.txt"]


def test_cli_backs_up_and_restores(
    places: Places,
    runtime: Runtime,
    people: People,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    report_ids = post_reports(runtime, people, 2)
    monkeypatch.setenv("TANTOU_SECRET_KEY", places.source.settings.secret_key)
    for place in (places.source, places.target):
        monkeypatch.setenv("TANTOU_DATABASE_URL", place.url)
        monkeypatch.setenv("TANTOU_DATA_DIR", str(place.settings.data_dir))
        command = "backup" if place is places.source else "restore"
        assert tantou([command, str(places.backup_dir)]) == 0
        assert "2 reports" in capsys.readouterr().out
    with Session(create_db_engine(places.target.url)) as session:
        assert list(session.exec(select(Report.id))) == report_ids

    assert tantou(["restore", str(places.backup_dir)]) == 1
    assert "not empty" in capsys.readouterr().err


def test_missing_pg_dump_is_named_with_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"pg_dump was not found .*postgresql-client"):
        find_tool("pg_dump", search_path=str(tmp_path), bin_glob=str(tmp_path / "*" / "bin"))


def test_pg_dump_is_found_in_the_debian_folders(tmp_path: Path) -> None:
    for version in ("13", "17"):
        folder = tmp_path / version / "bin"
        folder.mkdir(parents=True)
        (folder / "pg_dump").write_text("#!/bin/sh\n", encoding="utf-8")
        os.chmod(folder / "pg_dump", 0o755)
    found = find_tool("pg_dump", search_path="", bin_glob=str(tmp_path / "*" / "bin"))
    assert found == tmp_path / "17" / "bin" / "pg_dump"
