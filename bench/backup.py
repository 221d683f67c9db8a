"""How long `tantou backup` and `tantou restore` take, and what a backup costs the writers.

Run from the repository root: .venv/bin/python -m bench.backup [--database sqlite|postgresql]
[--reports 1000]

Fills a fresh database (SQLite in a temporary data dir, or a throwaway PostgreSQL cluster started
as the tests start theirs) with reports, each with a 100 KB photo and a 10 KB thumbnail of random
bytes (a backup copies files, it never decodes them). A writer thread then commits one report
with its photo after another, as the ingest does, before and while the backup runs. Prints the
backup's and the restore's time and throughput, and the writer's commit latency before and
during the backup.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import Session

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # so the script runs from a fresh clone, uninstalled

import app.models  # noqa: E402, F401  (registers every table)
from app.accounts.models import Role  # noqa: E402
from app.accounts.service import create_account  # noqa: E402
from app.backup.service import create_backup, restore_backup  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.db import create_db_engine, session_scope  # noqa: E402
from app.core.migrations import upgrade_to_head  # noqa: E402
from app.photos.file_store import FileStore  # noqa: E402
from app.reports.models import Report, ReportPhoto  # noqa: E402

DISPLAY_BYTES, THUMBNAIL_BYTES = 100_000, 10_000
BASELINE_S = 2.0


def settings_for(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        env="test", database_url=database_url, data_dir=data_dir, secret_key=secrets.token_hex(32)
    )  # type: ignore[arg-type]


def add_report(session: Session, store: FileStore, reporter_id: int) -> None:
    """One report and its photo, stored as the ingest stores them: files first, then the rows."""
    display_key = store.put(os.urandom(DISPLAY_BYTES))
    thumbnail_key = store.put(os.urandom(THUMBNAIL_BYTES))
    report = Report(
        reporter_id=reporter_id,
        client_id=str(uuid.uuid4()),
        fingerprint="0" * 64,
        category_code="0102",
        lat=32.854,
        lon=117.5325,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    session.add(
        ReportPhoto(
            report_id=report.id,
            display_key=display_key,
            thumbnail_key=thumbnail_key,
            width=1600,
            height=1200,
            thumbnail_width=320,
            thumbnail_height=240,
            uploaded_by_id=reporter_id,
        )
    )


class Writer(threading.Thread):
    """Commits one report after another; records (start time, latency) of each commit."""

    def __init__(self, settings: Settings, reporter_id: int) -> None:
        super().__init__(daemon=True)
        self.engine = create_db_engine(settings.resolved_database_url)
        self.store = FileStore(settings.photo_dir)
        self.reporter_id = reporter_id
        self.commits: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            with session_scope(self.engine) as session:
                add_report(session, self.store, self.reporter_id)
                session.commit()
            self.commits.append((started, time.perf_counter() - started))
        self.engine.dispose()

    def latencies_ms(self, start: float, end: float) -> list[float]:
        return [1000 * latency for at, latency in self.commits if start <= at < end]


def describe(latencies_ms: list[float]) -> str:
    if len(latencies_ms) < 2:
        return f"{len(latencies_ms)} commits"
    p99 = statistics.quantiles(latencies_ms, n=100, method="inclusive")[98]
    return (
        f"{len(latencies_ms)} commits, p50 {statistics.median(latencies_ms):.1f} ms, "
        f"p99 {p99:.1f} ms, max {max(latencies_ms):.1f} ms"
    )


def run(database: str, reports: int, root: Path) -> None:
    cluster = None
    if database == "sqlite":
        urls = [f"sqlite:///{root / name / 'tantou.db'}" for name in ("source", "target")]
    else:
        from tests.postgres import start_cluster

        cluster = start_cluster()
        admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in ("source", "target"):
                connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        urls = [cluster.url(name) for name in ("source", "target")]
    try:
        source = settings_for(urls[0], root / "source")
        target = settings_for(urls[1], root / "target")
        upgrade_to_head(source.resolved_database_url)
        engine = create_db_engine(source.resolved_database_url)
        store = FileStore(source.photo_dir, fsync=False)
        with session_scope(engine) as session:
            rider = create_account(
                session, role=Role.RIDER, username="13800000001", password="bench-password-123"
            )
            session.commit()
            assert rider.id is not None
            for _ in range(reports):
                add_report(session, store, rider.id)
            session.commit()
        engine.dispose()

        writer = Writer(source, rider.id)
        writer.start()
        time.sleep(BASELINE_S)  # a baseline of commits with no backup running
        backup_started = time.perf_counter()
        manifest = create_backup(source, root / "backup")
        backup_ended = time.perf_counter()
        writer.stop.set()
        writer.join()
        restore_started = time.perf_counter()
        restore_backup(target, root / "backup")
        restore_s = time.perf_counter() - restore_started
    finally:
        if cluster is not None:
            cluster.stop()

    backup_s = backup_ended - backup_started
    total_mb = sum(entry.bytes for entry in manifest.files) / 1e6
    print(f"database: {database}; {manifest.counts.tables['report']} reports in the backup")
    print(f"backup:  {backup_s:.2f} s for {total_mb:.1f} MB ({total_mb / backup_s:.0f} MB/s)")
    print(f"restore: {restore_s:.2f} s ({total_mb / restore_s:.0f} MB/s, checksums included)")
    print(f"writer before the backup: {describe(writer.latencies_ms(0, backup_started))}")
    during = writer.latencies_ms(backup_started, backup_ended)
    print(f"writer during the backup: {describe(during)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tantou-bench-backup-") as root:
        os.chmod(root, 0o755)  # the PostgreSQL cluster runs as another user when we are root
        run(args.database, args.reports, Path(root))


if __name__ == "__main__":
    main()
