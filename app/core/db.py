"""Engine and sessions: SQLite (WAL) by default, PostgreSQL through a psycopg URL."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

from app.core.errors import BUSY_DETAIL, ServiceUnavailable
from app.core.metrics import track_pool_checkouts
from app.core.write_gate import WriteGate

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

# Writers of this process queue in the write gate; the busy timeout covers other processes.
SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_GATE_WAIT_S = 10.0  # as long as the busy timeout was; then 503 + Retry-After, not 500
# A request may hold two connections at once (its session and a short reader): SQLite's pool
# (cheap, in-process connections) has two per worker thread (anyio's 40), PostgreSQL's more than
# one, so that the pool does not run dry with every holder waiting for another connection.
SQLITE_POOL = {"pool_size": 20, "max_overflow": 60}
POSTGRES_POOL = {"pool_size": 10, "max_overflow": 40}
POOL_TIMEOUT_S = 10.0  # a checkout that waits longer is a 503, not a request hung for 30 s
WRITE_OPTION = "tantou_write"
HOLDS_GATE = "tantou_holds_write_gate"


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys, a busy timeout and explicit BEGINs."""
    engine = (
        _create_sqlite_engine(url) if url.startswith("sqlite") else _create_postgres_engine(url)
    )
    track_pool_checkouts(engine)
    return engine


def _create_postgres_engine(url: str) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT_S,
        # A row lock held too long is a 503 (lock_not_available), as SQLite's write gate is.
        connect_args={"options": f"-c lock_timeout={int(WRITE_GATE_WAIT_S * 1000)}"},
        **POSTGRES_POOL,
    )


def _create_sqlite_engine(url: str) -> Engine:
    database = url.split("///", 1)[-1]
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_timeout=POOL_TIMEOUT_S,
        **SQLITE_POOL,
    )
    gate = WriteGate()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that writers can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that reads and then
        # writes would fail at once (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn.
        if not connection.get_execution_options().get(WRITE_OPTION, False):
            connection.exec_driver_sql("BEGIN")
            return
        if not connection.info.get(HOLDS_GATE):
            if not gate.acquire(WRITE_GATE_WAIT_S):
                raise ServiceUnavailable(BUSY_DETAIL)
            connection.info[HOLDS_GATE] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release_gate(connection.info)
            raise

    def _release_gate(info: dict[Any, Any]) -> None:
        if info.pop(HOLDS_GATE, False):
            gate.release()

    # Back in the pool means committed or rolled back: the next writer may go. (The "commit"
    # event would be too early: it runs before COMMIT.) A connection thrown away lets go too.
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _release_gate(record.info)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _error: Any) -> None:
        _release_gate(record.info)

    return engine


def writer_engine(engine: Engine) -> Engine:
    """The same engine and pool, but its transactions announce that they will write."""
    return engine.execution_options(**{WRITE_OPTION: True})


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """A session for scripts and jobs; the caller commits."""
    with Session(writer_engine(engine) if write else engine, expire_on_commit=False) as session:
        yield session
