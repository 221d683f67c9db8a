"""FastAPI dependencies: the runtime, its settings, the read and write sessions (the calling
account's dependencies are in app.accounts.deps)."""

from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlmodel import Session

from app.core.config import Settings
from app.core.runtime import Runtime

T = TypeVar("T")


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


def get_read_session(runtime: RuntimeDep) -> Iterator[Session]:
    """The session of a route that only reads (and of the account dependencies): plain
    transactions, which on SQLite never wait for the write lock."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        yield session


def get_write_session(runtime: RuntimeDep) -> Iterator[Session]:
    """The session of a route that writes: on SQLite its transactions take the write lock at
    BEGIN (queued in the write gate), so a read that turns into a write cannot fail. PostgreSQL
    locks rows, not the database, so there it is an ordinary session."""
    with Session(runtime.writer, expire_on_commit=False) as session:
        yield session


# Every route names the session it needs: ReadSession for GETs, WriteSession for the others.
ReadSession = Annotated[Session, Depends(get_read_session)]
WriteSession = Annotated[Session, Depends(get_write_session)]


def read_apart(session: Session, read: Callable[[Session], T]) -> T:
    """`read(session)` for a dependency, leaving no transaction open when it returns: the
    request's next step runs in another worker thread, perhaps much later, and must not find
    a connection held all that time. The objects stay loaded (expire_on_commit is off).
    """
    result = read(session)
    session.commit()
    return result
