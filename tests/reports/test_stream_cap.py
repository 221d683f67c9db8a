"""One token opening stream after stream: the N+1th is refused, and a closed one frees its slot."""

import json
import queue
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from app.core.runtime import Runtime
from app.main import create_app
from tests.conftest import make_settings
from tests.factories import seed_grids
from tests.fixtures.people import People, Person
from tests.reports.factories import EventStreamListener, live_server

CAP = 3
WAIT_LIMIT_S = 10.0


@pytest.fixture
def capped(database_url: str, tmp_path: Path) -> Iterator[tuple[str, People]]:
    settings = make_settings(database_url, tmp_path / "data", max_streams_per_account=CAP)
    runtime = Runtime.from_settings(settings)
    with Session(runtime.engine, expire_on_commit=False) as session:
        seed_grids(session)
        people = People(session, settings)
        people.coordinator, people.admin  # noqa: B018  (made now, while the session is open)
        with live_server(create_app(runtime=runtime)) as server:
            yield server, people
    runtime.engine.dispose()


def _stream(server: str, person: Person) -> EventStreamListener:
    return EventStreamListener(server, f"/api/v1/reports/stream?access_token={person.token}")


def _opened(listener: EventStreamListener) -> bool:
    """Whether the stream went live (`ready`), as opposed to being refused."""
    try:
        first = listener.next_message(WAIT_LIMIT_S)
    except queue.Empty:
        return False
    return first.event == "ready"


def _refusal(listener: EventStreamListener) -> dict[str, object]:
    """The problem+json of a refused stream (its body, read as one line)."""
    body: dict[str, object] = json.loads(listener.read_refusal(WAIT_LIMIT_S))
    return body


def test_the_stream_past_the_cap_is_refused_with_429_and_a_closed_one_frees_its_slot(
    capped: tuple[str, People],
) -> None:
    server, people = capped
    streams = [_stream(server, people.coordinator) for _ in range(CAP)]
    try:
        assert all(_opened(stream) for stream in streams)
        refused = _stream(server, people.coordinator)
        problem = _refusal(refused)
        refused.close()
        assert refused.status_line.split()[1] == "429"
        assert problem["status"] == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert int(refused.headers["retry-after"]) > 0
        # Another account is not affected by the coordinator's streams.
        other = _stream(server, people.admin)
        assert _opened(other)
        other.close()
        streams.pop().close()
        # The server lets the slot go once it notices the closed socket (its next write).
        deadline = time.monotonic() + WAIT_LIMIT_S
        while True:
            again = _stream(server, people.coordinator)
            if _opened(again):
                streams.append(again)
                break
            again.close()
            assert time.monotonic() < deadline, "the closed stream's slot was never freed"
    finally:
        for stream in streams:
            stream.close()


def test_report_and_inbox_streams_share_the_cap(capped: tuple[str, People]) -> None:
    server, people = capped
    token = people.coordinator.token
    streams = [_stream(server, people.coordinator) for _ in range(CAP - 1)]
    streams.append(EventStreamListener(server, f"/api/v1/me/inbox/stream?access_token={token}"))
    try:
        assert all(_opened(stream) for stream in streams)
        refused = EventStreamListener(server, f"/api/v1/me/inbox/stream?access_token={token}")
        problem = _refusal(refused)
        refused.close()
    finally:
        for stream in streams:
            stream.close()
    assert problem["status"] == 429
