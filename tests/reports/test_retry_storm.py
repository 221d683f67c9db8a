"""Retry storms: an outbox replaying one client_id many times at once must not stall writers."""

from collections import Counter
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.core.config import Settings
from app.reports.models import Report
from app.reports.states import ReportStatus
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import make_report
from tests.reports.storm import Server, run_storm, server_process

COORDINATOR_WRITE_WITHIN_S = 1.0  # the requirement: other writers are not held up by a storm


@pytest.fixture
def server(settings: Settings, people: People) -> Iterator[Server]:
    with server_process(settings) as server:
        yield server


def test_a_retry_storm_makes_one_report_per_client_id_and_other_writers_go_through(
    server: Server, people: People, session: Session
) -> None:
    waiting = make_report(session, people.rider.id)
    assert waiting.id is not None
    coordinator_headers = people.coordinator.headers

    result = run_storm(server.base_url, people.rider.headers, coordinator_headers, waiting.id)

    statuses = Counter(answer.status for answer in result.reports)
    assert set(statuses) <= {200, 201}, statuses
    assert sorted(a.status for a in result.replays) == [200] * 49 + [201]
    assert [a.status for a in result.distinct] == [201] * 50
    session.commit()
    per_client_id = session.exec(
        select(Report.client_id, func.count()).group_by(Report.client_id)  # type: ignore[arg-type]
    ).all()
    storm_ids = {a.client_id for a in result.reports}
    counts = {client_id: n for client_id, n in per_client_id if client_id in storm_ids}
    assert len(counts) == 51
    assert set(counts.values()) == {1}

    accept = result.coordinator
    assert accept is not None
    assert accept.status == 200
    assert accept.answered_at < result.finished_at, "the accept did not overlap the storm"
    assert accept.latency_s < COORDINATOR_WRITE_WITHIN_S, f"{accept.latency_s:.2f} s"


def test_a_writer_that_cannot_get_the_lock_in_time_is_told_to_come_back(
    client: TestClient, people: People, session: Session
) -> None:
    waiting = make_report(session, people.rider.id)
    coordinator_headers = people.coordinator.headers
    # Another writer holds the report: on SQLite the write lock, on PostgreSQL its row.
    session.exec(select(Report).where(Report.id == waiting.id).with_for_update()).one()

    busy = client.post(f"/api/v1/reports/{waiting.id}/accept", json={}, headers=coordinator_headers)

    problem = assert_problem(busy, 503)
    assert int(busy.headers["Retry-After"]) > 0
    assert problem["type"] == "urn:tantou:problem:busy"
    session.rollback()
    unchanged = session.get(Report, waiting.id)
    session.commit()  # the test's session writes: on SQLite an open transaction holds the lock
    assert unchanged is not None
    assert unchanged.status is ReportStatus.SUBMITTED
    accepted = client.post(
        f"/api/v1/reports/{waiting.id}/accept", json={}, headers=coordinator_headers
    )
    assert accepted.status_code == 200
