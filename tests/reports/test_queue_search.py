"""The queue's search, date range and order: what a coordinator types, picks and pages through."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.clock import utcnow
from app.reports.models import Channel, Report
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import make_report


def ids(response: object) -> list[int]:
    body = response.json()  # type: ignore[attr-defined]
    assert response.status_code == 200, body  # type: ignore[attr-defined]
    return [item["id"] for item in body["items"]]


def walk(client: TestClient, headers: dict[str, str], **params: str) -> list[int]:
    """Every id of the list, two per page, following the cursors."""
    walked: list[int] = []
    cursor: str | None = None
    while True:
        page_params = params | {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/reports", params=page_params, headers=headers).json()
        walked += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return walked


@pytest.fixture
def described(session: Session, people: People) -> dict[str, Report]:
    rider = people.rider.id
    now = utcnow()
    return {
        "bins": make_report(
            session, rider, description="垃圾桶满了 overflowing bins", created_at=now
        ),
        "pile": make_report(
            session, rider, description="楼道堆物堆料", created_at=now - timedelta(hours=1)
        ),
        "called": make_report(
            session,
            people.coordinator.id,
            description="来电反映噪音",
            channel=Channel.PHONE,
            caller_name="王女士",
            caller_phone="13912345678",
            created_at=now - timedelta(hours=2),
        ),
        "percent": make_report(
            session, rider, description="打折 100% 甩卖占道", created_at=now - timedelta(hours=3)
        ),
    }


def test_search_finds_words_of_the_description_in_any_case(
    client: TestClient, people: People, described: dict[str, Report]
) -> None:
    headers = people.coordinator.headers
    assert ids(client.get("/api/v1/reports?q=堆物", headers=headers)) == [described["pile"].id]
    assert ids(client.get("/api/v1/reports?q=OVERFLOWING", headers=headers)) == [
        described["bins"].id
    ]
    # LIKE's wildcards are searched as themselves.
    assert ids(client.get("/api/v1/reports?q=100%25", headers=headers)) == [described["percent"].id]
    assert ids(client.get("/api/v1/reports?q=_", headers=headers)) == []


def test_search_by_id_and_by_the_callers_phone_for_coordinators_only(
    client: TestClient, people: People, described: dict[str, Report]
) -> None:
    called = described["called"]
    coordinator, rider = people.coordinator.headers, people.rider.headers
    assert ids(client.get(f"/api/v1/reports?q={called.id}", headers=coordinator)) == [called.id]
    assert ids(client.get("/api/v1/reports?q=5678", headers=coordinator)) == [called.id]
    assert ids(client.get("/api/v1/reports?q=13912345678", headers=coordinator)) == [called.id]
    # The middle of a phone is no match (searches end-of-number, as people read them out).
    assert ids(client.get("/api/v1/reports?q=1234", headers=coordinator)) == []
    # A rider's search never reaches other people's reports, nor their callers.
    pile = described["pile"].id
    assert ids(client.get(f"/api/v1/reports?q={pile}", headers=rider)) == [pile]
    assert ids(client.get(f"/api/v1/reports?q={called.id}", headers=rider)) == []
    assert ids(client.get("/api/v1/reports?q=5678", headers=rider)) == []


def test_search_stays_inside_the_callers_areas(
    client: TestClient, people: People, described: dict[str, Report]
) -> None:
    headers = people.other_coordinator.headers
    assert ids(client.get("/api/v1/reports?q=垃圾", headers=headers)) == []
    assert ids(client.get(f"/api/v1/reports?q={described['bins'].id}", headers=headers)) == []


def test_the_date_range_is_inclusive_from_and_exclusive_to(
    client: TestClient, people: People, session: Session
) -> None:
    rider = people.rider.id
    days = [datetime(2026, 3, day, 2, 0, tzinfo=UTC) for day in (1, 2, 3)]  # 10:00 in China
    made = [make_report(session, rider, created_at=moment).id for moment in days]
    headers = people.coordinator.headers
    # Plain dates are days of the work calendar's time zone (Asia/Shanghai).
    assert ids(client.get("/api/v1/reports?from=2026-03-02&to=2026-03-03", headers=headers)) == [
        made[1]
    ]
    assert ids(client.get("/api/v1/reports?from=2026-03-02", headers=headers))[-2:] == [
        made[2],
        made[1],
    ]
    exact = client.get(
        "/api/v1/reports",
        params={"from": "2026-03-01T02:00:00Z", "to": "2026-03-03T02:00:00Z"},
        headers=headers,
    )
    assert ids(exact) == [made[1], made[0]]
    assert_problem(client.get("/api/v1/reports?from=1900-01-01", headers=headers), 422)


def test_bad_search_inputs_are_refused(client: TestClient, people: People) -> None:
    headers = people.coordinator.headers
    assert_problem(client.get("/api/v1/reports?q=" + "字" * 101, headers=headers), 422)
    assert_problem(client.get("/api/v1/reports?to=2026-13-01", headers=headers), 422)
