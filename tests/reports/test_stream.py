"""GET /api/v1/reports/stream: new reports pushed live to the coordinators of their area, urgent
ones marked, every stream of a process fed by one poller."""

import itertools
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import shape

from app.core.runtime import Runtime
from app.demo.fengyang import demo_grids
from app.main import create_app
from app.reports.stream import live_feed_of
from tests.factories import assert_problem
from tests.fixtures.people import People, Person
from tests.reports.factories import ROAD_COLLAPSE, EventStreamListener, live_server, post_report
from tests.waiting import eventually

PUSHED_WITHIN_S = 1.0
WAIT_LIMIT_S = 10.0  # how long a test waits before calling a missing message a failure
OTHER_TOWN_GRID = "341126101001001"


def _point_in(grid_code: str) -> tuple[float, float]:
    [feature] = [f for f in demo_grids()["features"] if f["properties"]["code"] == grid_code]
    point = shape(feature["geometry"]).representative_point()
    return point.x, point.y


OTHER_TOWN_POINT = _point_in(OTHER_TOWN_GRID)  # far outside the coordinator's COMMUNITY


@pytest.fixture
def server(runtime: Runtime) -> Iterator[str]:
    with live_server(create_app(runtime=runtime)) as base_url:
        yield base_url


@pytest.fixture
def http(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def open_stream(server: str, person: Person) -> EventStreamListener:
    """A stream that is live: its `ready` event has arrived."""
    listener = EventStreamListener(server, f"/api/v1/reports/stream?access_token={person.token}")
    first = listener.next_message(WAIT_LIMIT_S)
    assert first.event == "ready", listener.status_line
    assert listener.status_line.split()[1] == "200"
    return listener


def test_new_reports_reach_the_coordinators_stream_within_a_second_urgent_ones_marked(
    server: str, http: httpx.Client, people: People
) -> None:
    listener = open_stream(server, people.coordinator)
    try:
        ordinary = post_report(http, people.rider.headers)
        urgent = post_report(http, people.rider.headers, category=ROAD_COLLAPSE)
        saved_at = time.monotonic()
        assert (ordinary.status_code, urgent.status_code) == (201, 201)
        first = listener.next_event(WAIT_LIMIT_S)
        message = first if first.event == "urgent_report" else listener.next_event(WAIT_LIMIT_S)
    finally:
        listener.close()
    assert (first.event, first.data["id"]) in {
        ("new_report", ordinary.json()["id"]),
        ("urgent_report", urgent.json()["id"]),
    }
    assert (message.event, message.data["id"]) == ("urgent_report", urgent.json()["id"])
    if first is not message:
        assert first.data["urgent"] is False
    assert message.data["urgent"] is True
    assert message.data["grid"]["code"] == urgent.json()["grid"]["code"]
    assert message.received_at - saved_at < PUSHED_WITHIN_S


def test_stream_carries_only_reports_in_the_callers_areas(
    server: str, http: httpx.Client, people: People
) -> None:
    other_town = open_stream(server, people.other_coordinator)
    admin = open_stream(server, people.admin)
    try:
        in_community = post_report(http, people.rider.headers, urgent=True).json()
        lon, lat = OTHER_TOWN_POINT
        in_other_town = post_report(
            http, people.rider.headers, urgent=True, lat=lat, lon=lon
        ).json()
        assert in_other_town["grid"]["code"] == OTHER_TOWN_GRID
        # Its first event is the second report: the first one was never sent to it.
        other_town_event = other_town.next_event(WAIT_LIMIT_S)
        admin_events = [admin.next_event(WAIT_LIMIT_S), admin.next_event(WAIT_LIMIT_S)]
    finally:
        other_town.close()
        admin.close()
    assert other_town_event.data["id"] == in_other_town["id"]
    assert [e.data["id"] for e in admin_events] == [in_community["id"], in_other_town["id"]]


def _pollers(runtime: Runtime) -> int:
    name = live_feed_of(runtime).thread_name
    return sum(thread.name == name for thread in threading.enumerate())


def test_every_stream_of_a_process_is_fed_by_one_poller_that_stops_with_the_last(
    server: str, http: httpx.Client, runtime: Runtime, people: People
) -> None:
    listeners = [open_stream(server, people.coordinator) for _ in range(3)]
    listeners.append(open_stream(server, people.admin))
    try:
        assert _pollers(runtime) == 1
        report = post_report(http, people.rider.headers).json()
        events = [listener.next_event(WAIT_LIMIT_S) for listener in listeners]
    finally:
        for listener in listeners:
            listener.close()
    assert [(event.event, event.data["id"]) for event in events] == [
        ("new_report", report["id"])
    ] * 4
    # The server notices the closed sockets, the streams leave and the poller stops with them.
    eventually(lambda: _pollers(runtime) == 0, what="the poller stopped")


def test_reports_saved_before_connecting_are_not_repeated(
    server: str, http: httpx.Client, people: People
) -> None:
    earlier = post_report(http, people.rider.headers, urgent=True).json()
    listener = open_stream(server, people.coordinator)
    try:
        later = post_report(http, people.rider.headers, urgent=True).json()
        message = listener.next_event(WAIT_LIMIT_S)
    finally:
        listener.close()
    assert (message.data["id"], earlier["id"] != later["id"]) == (later["id"], True)


def test_stream_accepts_the_bearer_header_too(
    server: str, http: httpx.Client, people: People
) -> None:
    with http.stream("GET", "/api/v1/reports/stream", headers=people.admin.headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert "event: ready" in list(itertools.islice(response.iter_lines(), 3))


@pytest.mark.parametrize(
    ("who", "status"), [("rider", 403), ("unit", 403), (None, 401), ("forged", 401)]
)
def test_stream_is_for_coordinators_and_admins(
    client: TestClient, people: People, who: str | None, status: int
) -> None:
    params = {}
    if who == "forged":
        params = {"access_token": "not.a.token"}
    elif who is not None:
        params = {"access_token": getattr(people, who).token}
    assert_problem(client.get("/api/v1/reports/stream", params=params), status)
