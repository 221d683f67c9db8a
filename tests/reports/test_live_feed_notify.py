"""On PostgreSQL the live feed looks when a report's transaction commits (LISTEN/NOTIFY), not
on a timer: the report's commit rings, and the feed's wait ends at the ring."""

import threading
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.db import writer_engine
from app.core.live_feed import NotifiedDoorbell
from app.core.runtime import Runtime
from app.reports.live_feed import NEW_REPORT_CHANNEL, wake_live_feeds
from tests.fixtures.people import People
from tests.reports.factories import post_report

WAIT_LIMIT_S = 10.0  # a deadline for a failure, far below the doorbell's idle look below
IDLE_LOOK_S = 3600.0

only_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def conninfo(runtime: Runtime) -> str:
    url = runtime.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def listener(runtime: Runtime) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(conninfo(runtime), autocommit=True) as connection:
        connection.execute(f"LISTEN {NEW_REPORT_CHANNEL}")
        yield connection


@only_postgresql
def test_a_new_report_notifies_once_at_its_commit(
    client: TestClient, people: People, listener: psycopg.Connection[tuple[object, ...]]
) -> None:
    sent = post_report(client, people.rider.headers)
    assert sent.status_code == 201, sent.text

    channels = [n.channel for n in listener.notifies(timeout=WAIT_LIMIT_S, stop_after=1)]
    assert channels == [NEW_REPORT_CHANNEL]
    assert list(listener.notifies(timeout=0.2)) == []  # one per transaction


@only_postgresql
def test_a_rolled_back_transaction_rings_no_one(
    runtime: Runtime, listener: psycopg.Connection[tuple[object, ...]]
) -> None:
    with Session(writer_engine(runtime.engine)) as session:
        wake_live_feeds(session)
        session.rollback()
    with Session(writer_engine(runtime.engine)) as session:
        wake_live_feeds(session)
        wake_live_feeds(session)
        session.commit()

    assert len(list(listener.notifies(timeout=WAIT_LIMIT_S, stop_after=1))) == 1
    assert list(listener.notifies(timeout=0.2)) == []


@only_postgresql
def test_the_feeds_wait_ends_at_the_ring_not_at_its_idle_look(runtime: Runtime) -> None:
    doorbell = NotifiedDoorbell(conninfo(runtime), NEW_REPORT_CHANNEL, idle_look_s=IDLE_LOOK_S)
    try:
        doorbell.wait()  # connects and listens, and returns at once
        waiting = threading.Thread(target=doorbell.wait, daemon=True)
        waiting.start()
        with Session(writer_engine(runtime.engine)) as session:
            wake_live_feeds(session)
            session.commit()
        waiting.join(timeout=WAIT_LIMIT_S)
        assert not waiting.is_alive()
    finally:
        doorbell.close()
