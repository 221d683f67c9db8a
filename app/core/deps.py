"""FastAPI dependencies: the runtime, its settings, a session per request (the calling account's
dependencies are in app.accounts.deps)."""

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from app.core.config import Settings
from app.core.runtime import Runtime

T = TypeVar("T")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# The trivial dependencies are `async def` on purpose: FastAPI runs a sync dependency in the
# threadpool, and a thread hop per dependency per request costs more than the work.
async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_address_of(request: Request) -> str:
    """The caller's address (behind a trusted proxy, the client's), cut to the columns' 64."""
    return (request.client.host if request.client else "-")[:64]


class WritingSession(Session):
    """The session of a request that may write, on SQLite: its transactions take the write
    lock at BEGIN (queued in the write gate), so a read that turns into a write cannot fail.

    Its dependencies read apart (`read_apart`): FastAPI runs each dependency and the endpoint
    in a worker thread of its own, and a lock taken for the login lookup would be held while
    the request waits for the next free thread, with the threads waiting for the lock.
    """

    def __init__(self, writer: Engine, reader: Engine) -> None:
        super().__init__(writer, expire_on_commit=False)
        self.reader = reader


def get_session(request: Request, runtime: RuntimeDep) -> Iterator[Session]:
    """One session per request; requests that may write take SQLite's write lock at BEGIN."""
    if request.method in READ_METHODS:
        session = Session(runtime.engine, expire_on_commit=False)
    elif runtime.settings.is_sqlite:
        session = WritingSession(runtime.writer, runtime.engine)
    else:  # PostgreSQL locks rows, not the database: a writing request reads like any other
        session = Session(runtime.writer, expire_on_commit=False)
    with session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def read_apart(session: Session, read: Callable[[Session], T]) -> T:
    """`read(session)` for a dependency, leaving no transaction open when it returns: the
    request's next step runs in another worker thread, perhaps much later, and must not find
    a connection (or SQLite's write lock) held all that time.

    A WritingSession reads through a short read-only session whose objects are then merged into
    it without a query (committing would cost a pass through the write lock); any other session
    reads and commits (the objects stay loaded).
    """
    if not isinstance(session, WritingSession):
        result = read(session)
        session.commit()
        return result
    with Session(session.reader, expire_on_commit=False) as reader:
        result = read(reader)
    merged: T = _merged(session, result)
    return merged


def _merged(session: Session, value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_merged(session, item) for item in value)
    if isinstance(value, SQLModel):
        return session.merge(value, load=False)
    return value
