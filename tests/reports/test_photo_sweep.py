"""The photo sweep: staged and unreferenced files older than the grace go, nothing else does."""

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from app.accounts.models import Role
from app.core.runtime import Runtime
from app.main import create_app
from app.photos.file_store import FileStore
from app.reports.photo_sweep import SweepResult, sweep_photo_store
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import make_account, seed_grids
from tests.fixtures.reports import make_report
from tests.reports.factories import stored_files

GRACE = timedelta(hours=1)
LONG_AGO_S = 2 * 3600
DEADLINE_S = 15.0


def age(path: Path) -> Path:
    """Make a file look as if written two hours ago (past the grace)."""
    long_ago = time.time() - LONG_AGO_S
    os.utime(path, (long_ago, long_ago))
    return path


def staged_file(store: FileStore, name: str) -> Path:
    """A leftover of a write that never finished, as FileStore stages them."""
    directory = store.root / "ab" / "cd"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f".{name}.0123456789abcdef.tmp"
    path.write_bytes(b"half a photo")
    return path


def report_with_photos(session: Session, display_key: str, thumbnail_key: str) -> None:
    seed_grids(session)
    rider = make_account(session, Role.RIDER, "13800000001")
    assert rider.id is not None
    make_report(session, rider.id, photo_keys=(display_key, thumbnail_key))


def test_sweep_removes_old_staged_and_unreferenced_files_and_keeps_the_rest(
    runtime: Runtime, session: Session
) -> None:
    store = FileStore(runtime.settings.photo_dir)
    display, thumbnail = store.put(b"display copy"), store.put(b"thumbnail")
    report_with_photos(session, display, thumbnail)
    orphan, young_orphan = store.put(b"orphan"), store.put(b"orphan written just now")
    for key in (display, thumbnail, orphan):
        age(store.path(key))
    old_staged = age(staged_file(store, "a" * 64))
    young_staged = staged_file(store, "b" * 64)

    result = sweep_photo_store(runtime.engine, store, grace=GRACE)

    assert result == SweepResult(staged_removed=1, unreferenced_removed=1)
    assert stored_files(store.root) == sorted(
        [store.path(display), store.path(thumbnail), store.path(young_orphan), young_staged]
    )
    assert not old_staged.exists()


def test_file_reused_after_the_sweep_listed_it_is_kept(runtime: Runtime) -> None:
    store = FileStore(runtime.settings.photo_dir)
    data = b"a photo uploaded twice"
    key = store.put(data)
    age(store.path(key))
    cutoff_ns = time.time_ns() - int(GRACE.total_seconds() * 1e9)
    _removed, old_keys = store.sweep_directory(key[:2], older_than_ns=cutoff_ns)
    assert old_keys == [key]
    # An upload of the same photo reuses the file before the sweep gets to removing it.
    store.put(data)
    assert not store.remove_stale(key, unused_since_ns=cutoff_ns)
    assert store.read(key) == data
    assert stored_files(store.root) == [store.path(key)]


def test_file_set_aside_by_a_crashed_sweep_is_put_back(runtime: Runtime, session: Session) -> None:
    store = FileStore(runtime.settings.photo_dir)
    display, thumbnail = store.put(b"display copy"), store.put(b"thumbnail")
    report_with_photos(session, display, thumbnail)
    path = age(store.path(display))
    path.rename(path.with_name(f".{display}.sweep.tmp"))

    sweep_photo_store(runtime.engine, store, grace=GRACE)

    assert store.read(display) == b"display copy"
    assert stored_files(store.root) == sorted([store.path(display), store.path(thumbnail)])


def test_server_sweeps_at_start_up(database_url: str, tmp_path: Path) -> None:
    runtime = Runtime.from_settings(
        make_settings(database_url, tmp_path / "data", photo_sweep_grace_minutes=0)
    )
    store = FileStore(runtime.settings.photo_dir)
    orphan = store.path(store.put(b"left by a crash"))
    staged = staged_file(store, "c" * 64)
    with english_client(create_app(runtime=runtime)):
        deadline = time.monotonic() + DEADLINE_S
        while (orphan.exists() or staged.exists()) and time.monotonic() < deadline:
            threading.Event().wait(0.05)
    assert stored_files(store.root) == []
    runtime.engine.dispose()
