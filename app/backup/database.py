"""The database half of a backup: a consistent snapshot while the server writes, and its restore.

SQLite copies through the online backup API; PostgreSQL dumps with pg_dump in custom format.
Either way, the row counts and the photo keys are read from that same snapshot.
"""

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from app.backup import postgres_tools
from app.backup.errors import BackupError

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
SQLITE_BUSY_TIMEOUT_S = 30


@dataclass
class Snapshot:
    """A database copied into a backup, open for reading exactly what was copied."""

    kind: str  # "sqlite" or "postgresql"
    file: Path
    connection: Connection

    def migration_revision(self) -> str:
        try:
            return str(
                self.connection.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar_one()
            )
        except DBAPIError as exc:
            raise BackupError(
                "数据库尚未迁移 / the database has no migration revision "
                f"(run tantou migrate): {exc}"
            ) from exc

    def table_rows(self) -> dict[str, int]:
        """Rows of every table, to compare with the database a restore builds."""
        return table_rows(self.connection)

    def referenced_photo_keys(self) -> Iterator[str]:
        """Every photo file the snapshot names, streamed (a large database names millions)."""
        query = text("SELECT display_key, thumbnail_key FROM report_photo")
        rows = self.connection.execute(query.execution_options(stream_results=True, yield_per=5000))
        for display_key, thumbnail_key in rows:
            yield display_key
            yield thumbnail_key


def database_kind(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@contextmanager
def snapshot_database(database_url: str, backup_root: Path) -> Iterator[Snapshot]:
    """Copy the database into backup_root; the copy stays readable for the block."""
    if database_kind(database_url) == "sqlite":
        with _sqlite_snapshot(database_url, backup_root / SQLITE_FILE) as snapshot:
            yield snapshot
    else:
        with _postgres_snapshot(database_url, backup_root / POSTGRES_FILE) as snapshot:
            yield snapshot


def table_rows(connection: Connection) -> dict[str, int]:
    """Rows of every table of the database, by name."""
    return {
        name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())  # noqa: S608
        for name in sorted(inspect(connection).get_table_names())
    }


def refuse_non_empty_database(database_url: str) -> None:
    """A restore goes into an empty database only: never over someone's data."""
    if database_kind(database_url) == "sqlite":
        path = sqlite_path(database_url)
        present = [p for p in (path, Path(f"{path}-wal")) if p.exists()]
        if present:
            raise BackupError(
                f"目标数据库已存在 / the target database already exists: {present[0]}; "
                "restore only into a new one"
            )
        return
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            # Any table, view or sequence outside the system schemas makes it someone's database.
            objects = connection.execute(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                    "AND n.nspname NOT LIKE 'pg_toast%'"
                )
            ).scalar_one()
    except DBAPIError as exc:
        raise BackupError(f"无法连接目标数据库 / cannot reach the target database: {exc}") from exc
    finally:
        engine.dispose()
    if objects:
        raise BackupError(
            f"目标数据库不为空 / the target database is not empty ({objects} tables, views or "
            "sequences): restore only into an empty database (createdb NAME)"
        )


def restore_database(database_url: str, backup_file: Path, expected_rows: dict[str, int]) -> None:
    """Load a backup's database into the empty one named by the URL, and check its row counts."""
    if database_kind(database_url) == "sqlite":
        _restore_sqlite(sqlite_path(database_url), backup_file, expected_rows)
        return
    postgres_tools.run_tool(
        "pg_restore",
        # One transaction: a restore that fails leaves the database empty, as it found it.
        [
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            str(backup_file),
        ],
        database_url,
    )
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            _check_rows(table_rows(connection), expected_rows)
    finally:
        engine.dispose()


def sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("内存数据库无法备份 / an in-memory SQLite database cannot be backed up")
    return Path(database)


@contextmanager
def _sqlite_snapshot(database_url: str, copy: Path) -> Iterator[Snapshot]:
    source_path = sqlite_path(database_url)
    try:
        # mode=rw: never create an empty database where the real one was expected.
        source = sqlite3.connect(
            f"file:{source_path}?mode=rw", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S
        )
    except sqlite3.Error as exc:
        raise BackupError(
            f"无法打开数据库 / cannot open the database {source_path}: {exc}"
        ) from exc
    with closing(source), closing(sqlite3.connect(copy)) as target:
        # All pages in one step, inside one read transaction: in WAL mode the server's writers go
        # on meanwhile, and the copy is the database as of that transaction's start. (Copying in
        # steps would restart at every write and might never finish under steady writes.)
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    engine = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            _check_sqlite(connection, copy)
            yield Snapshot("sqlite", copy, connection)
    finally:
        engine.dispose()


@contextmanager
def _postgres_snapshot(database_url: str, dump: Path) -> Iterator[Snapshot]:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with (
            engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection,
            connection.begin(),
        ):
            # pg_dump reads the snapshot this transaction exports, so that the dump, the counts
            # and the photo keys below all see the same committed state.
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            postgres_tools.run_tool(
                "pg_dump",
                ["--format=custom", f"--snapshot={snapshot_id}", f"--file={dump}"],
                database_url,
            )
            yield Snapshot("postgresql", dump, connection)
    finally:
        engine.dispose()


def _check_sqlite(connection: Connection, path: Path) -> None:
    result = connection.execute(text("PRAGMA quick_check")).scalar_one()
    if result != "ok":
        raise BackupError(
            f"数据库副本检查未通过 / the database copy {path} fails its check: {result}"
        )


def _restore_sqlite(target: Path, backup_file: Path, expected_rows: dict[str, int]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(backup_file, staged)
    try:
        engine = create_engine(f"sqlite:///{staged}", poolclass=NullPool)
        try:
            with engine.connect() as connection:
                _check_sqlite(connection, staged)
                _check_rows(table_rows(connection), expected_rows)
        finally:
            engine.dispose()
        with staged.open("rb") as file:
            os.fsync(file.fileno())
        # Checked first, then moved into place: the database appears whole or not at all.
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)


def _check_rows(actual: dict[str, int], expected: dict[str, int]) -> None:
    if actual != expected:
        differing = sorted(
            name
            for name in actual.keys() | expected.keys()
            if actual.get(name) != expected.get(name)
        )
        raise BackupError(
            "恢复后的行数与清单不符 / the restored row counts differ from the manifest: "
            f"{differing}"
        )
