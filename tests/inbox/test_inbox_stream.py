"""GET /api/v1/me/inbox/stream: the console's one stream carries new reports in the caller's
areas and each notification put in their inbox, and nothing of another town's."""

import threading
from collections.abc import Iterator

import httpx
import pytest

from app.core.runtime import Runtime
from app.inbox.stream import notification_feed_of
from app.main import create_app
from app.reports.stream import live_feed_of
from tests.fixtures.people import People, Person
from tests.inbox.factories import new_report, registration
from tests.reports.factories import EventStreamListener, StreamMessage, live_server
from tests.reports.test_stream import OTHER_TOWN_POINT, WAIT_LIMIT_S
from tests.waiting import eventually

OTHER_COMMUNITY = "341126101001"


@pytest.fixture
def server(runtime: Runtime) -> Iterator[str]:
    with live_server(create_app(runtime=runtime)) as base_url:
        yield base_url


@pytest.fixture
def http(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def open_inbox(server: str, person: Person) -> EventStreamListener:
    """An inbox stream that is live: its `ready` event has arrived."""
    listener = EventStreamListener(server, f"/api/v1/me/inbox/stream?access_token={person.token}")
    first = listener.next_message(WAIT_LIMIT_S)
    assert first.event == "ready", listener.status_line
    return listener


def events(listener: EventStreamListener, count: int) -> list[StreamMessage]:
    return [listener.next_event(WAIT_LIMIT_S) for _ in range(count)]


def summary(message: StreamMessage) -> tuple[str | None, object]:
    """An event as (event, report id) for reports and (event, kind) for notifications."""
    if message.event == "notification":
        return message.event, message.data["kind"]
    return message.event, message.data["id"]


def test_a_coordinator_hears_of_a_report_and_a_registration_another_town_of_neither(
    server: str, http: httpx.Client, people: People
) -> None:
    mine = open_inbox(server, people.coordinator)
    theirs = open_inbox(server, people.other_coordinator)
    try:
        report = new_report(http, people)
        registration(http, "13900000021")
        mine_heard = sorted(map(summary, events(mine, 3)), key=str)
        # The other town's first news is its own: nothing of the first town came before it.
        lon, lat = OTHER_TOWN_POINT
        far = new_report(http, people, lat=lat, lon=lon)
        registration(http, "13900000022", community=OTHER_COMMUNITY)
        theirs_heard = sorted(map(summary, events(theirs, 3)), key=str)
    finally:
        mine.close()
        theirs.close()
    assert mine_heard == sorted(
        [
            ("new_report", report["id"]),
            ("notification", "report_new"),
            ("notification", "rider_registered"),
        ],
        key=str,
    )
    assert theirs_heard == sorted(
        [
            ("new_report", far["id"]),
            ("notification", "report_new"),
            ("notification", "rider_registered"),
        ],
        key=str,
    )


def test_a_notification_event_is_the_notification_as_listed(
    server: str, http: httpx.Client, people: People
) -> None:
    listener = open_inbox(server, people.coordinator)
    try:
        registration(http, "13900000023")
        message = listener.next_event(WAIT_LIMIT_S)
    finally:
        listener.close()
    listed = http.get("/api/v1/me/notifications", headers=people.coordinator.headers).json()
    assert message.event == "notification"
    assert message.data == listed["items"][0]
    assert message.data["title_zh"].startswith("骑手报到待审核")


def _pollers(runtime: Runtime) -> list[int]:
    """How many threads poll for reports, and how many for notifications."""
    names = [live_feed_of(runtime).thread_name, notification_feed_of(runtime).thread_name]
    return [sum(thread.name == name for thread in threading.enumerate()) for name in names]


def test_every_inbox_stream_of_a_process_shares_one_poller_per_feed_stopping_with_the_last(
    server: str, http: httpx.Client, runtime: Runtime, people: People
) -> None:
    listeners = [open_inbox(server, people.coordinator) for _ in range(3)]
    listeners.append(open_inbox(server, people.street_coordinator))
    try:
        assert _pollers(runtime) == [1, 1]
        registration(http, "13900000024")
        heard = [summary(listener.next_event(WAIT_LIMIT_S)) for listener in listeners]
    finally:
        for listener in listeners:
            listener.close()
    assert heard == [("notification", "rider_registered")] * 4
    eventually(lambda: _pollers(runtime) == [0, 0], what="both pollers stopped")
