"""Verification tasks: offered to the riders nearest the case when a unit completes a task,
first valid check wins with photos on the case and points; others get 409."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.cases.states import TaskStatus
from app.core.clock import utcnow
from app.core.config import Settings
from app.points.models import PointsEntry
from app.reports.models import PhotoKind, Report, ReportEvent, ReportPhoto
from app.reports.states import ReportStatus
from app.riders.models import RiderProfile
from app.verifications.models import VerificationStatus, VerificationTask
from app.verifications.nearest import NEAREST_RIDERS, RECENT_REPORT_DAYS
from tests.factories import COMMUNITY, GRID_POINT, assert_problem, login, make_account, seed_grids
from tests.fixtures.reports import make_report
from tests.points.factories import move_report, run_together
from tests.riders.factories import make_many_riders, make_rider, token_headers
from tests.verifications.factories import CHECK_PHOTO, complete_a_task

CASE_LON, CASE_LAT = GRID_POINT
METRES_PER_DEGREE_LAT = 111_320.0


def reported_north_of_the_case(
    session: Session, rider: RiderProfile, metres: float, *, days_ago: float = 1
) -> None:
    """The rider's own report `metres` north of the case, `days_ago` days ago."""
    point = (CASE_LON, CASE_LAT + metres / METRES_PER_DEGREE_LAT)
    make_report(
        session,
        rider.account_id,
        grid=None,
        point=point,
        created_at=utcnow() - timedelta(days=days_ago),
    )


def near_rider(session: Session, phone: str, **kwargs: Any) -> RiderProfile:
    """A rider whose last report was 200 m from the case."""
    rider = make_rider(session, phone, **kwargs)
    reported_north_of_the_case(session, rider, 200)
    return rider


def submit(
    client: TestClient, headers: dict[str, str], verification_id: int, photo: bytes = CHECK_PHOTO
) -> Any:
    return client.post(
        f"/api/v1/verifications/{verification_id}/submit",
        files=[("photo", ("check.jpg", photo, "image/jpeg"))],
        data={"note": "垃圾已清运，路面干净"},
        headers=headers,
    )


@pytest.fixture
def resolved_report(session: Session) -> Report:
    """A report in COMMUNITY whose unit has finished its task, in a community with a team."""
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    reporter = make_rider(session, "13700000001")
    report = make_report(session, reporter.account_id)
    move_report(
        session, report, ReportStatus.ACCEPTED, ReportStatus.DISPATCHED, ReportStatus.IN_PROGRESS
    )
    return report


def open_checks(session: Session) -> list[VerificationTask]:
    query = select(VerificationTask).order_by(col(VerificationTask.id))
    checks = list(session.exec(query.execution_options(populate_existing=True)))
    session.commit()
    return checks


def listed(client: TestClient, phone: str) -> list[dict[str, Any]]:
    response = client.get(
        "/api/v1/verifications", params={"status": "open"}, headers=login(client, phone)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_completed_task_is_offered_to_the_riders_who_last_reported_near_it(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    near = make_rider(session, "13800000001")
    reported_north_of_the_case(session, near, 5_000, days_ago=2)
    reported_north_of_the_case(session, near, 400)  # its last report: 400 m away
    far = make_rider(session, "13800000002")
    reported_north_of_the_case(session, far, 6_000)
    stale = make_rider(session, "13800000003")
    reported_north_of_the_case(session, stale, 100, days_ago=RECENT_REPORT_DAYS + 1)
    pending = make_rider(session, "13800000004", active=False)
    reported_north_of_the_case(session, pending, 100)
    make_rider(session, "13800000005")  # never reported: no point at all
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [check] = open_checks(session)
    assert (check.report_id, check.status) == (resolved_report.id, VerificationStatus.OPEN)
    [item] = listed(client, "13800000001")
    assert item["id"] == check.id
    assert item["distance_m"] == pytest.approx(400, rel=0.01)  # from its last reported point
    reported_at = datetime.fromisoformat(item["reported_at"])
    assert reported_at == resolved_report.created_at.replace(tzinfo=UTC)
    assert datetime.fromisoformat(item["created_at"]) > reported_at
    assert listed(client, "13800000002") == []
    assert listed(client, "13800000003") == []
    assert listed(client, "13800000005") == []
    assert listed(client, "13700000001") == []  # the reporter, whose report it is


def test_the_distance_shown_is_from_the_riders_last_reported_point(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    rider = make_rider(session, "13800000001")
    reported_north_of_the_case(session, rider, 150, days_ago=3)
    reported_north_of_the_case(session, rider, 2_000)
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [item] = listed(client, "13800000001")
    assert item["distance_m"] == pytest.approx(2_000, rel=0.01)


def test_only_the_nearest_riders_are_offered_a_check(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    phones = [f"1380000{n:04d}" for n in range(NEAREST_RIDERS + 2)]
    for n, phone in enumerate(phones):
        reported_north_of_the_case(session, make_rider(session, phone), 100 + 300 * n)
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    offered = [phone for phone in phones if listed(client, phone)]
    assert offered == phones[:NEAREST_RIDERS]


def test_no_check_is_offered_without_a_rider_nearby_or_before_completion(
    session: Session, resolved_report: Report
) -> None:
    far = make_rider(session, "13800000002")
    reported_north_of_the_case(session, far, 6_000)
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    assert open_checks(session) == []
    near_rider(session, "13800000001")
    complete_a_task(session, resolved_report, to_status=TaskStatus.RETURNED)
    assert open_checks(session) == []


def test_the_first_valid_check_wins_goes_on_the_case_and_earns_points(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    first = near_rider(session, "13800000001")
    near_rider(session, "13800000002")
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [check] = open_checks(session)
    response = submit(client, login(client, "13800000001"), check.id or 0)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "submitted"
    late = submit(client, login(client, "13800000002"), check.id or 0)
    assert "Already taken" in assert_problem(late, 409)["detail"]
    photos = session.exec(select(ReportPhoto).where(ReportPhoto.kind == PhotoKind.CHECK)).all()
    assert [(p.report_id, p.uploaded_by_id) for p in photos] == [
        (resolved_report.id, first.account_id)
    ]
    timeline = session.exec(
        select(ReportEvent.kind, ReportEvent.note).where(
            ReportEvent.kind == "verification_submitted"
        )
    ).all()
    assert timeline == [("verification_submitted", "垃圾已清运，路面干净")]
    paid = session.exec(select(PointsEntry.rider_id, PointsEntry.kind, PointsEntry.amount)).all()
    assert (first.account_id, "verification", 3) in paid
    session.commit()


def test_riders_racing_for_one_check_leave_exactly_one_winner(
    client: TestClient, session: Session, settings: Settings, resolved_report: Report
) -> None:
    riders = make_many_riders(session, NEAREST_RIDERS)
    for rider in riders:
        reported_north_of_the_case(session, rider, 300)
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [check] = open_checks(session)
    calls = [
        partial(submit, client, token_headers(settings, r.account_id), check.id or 0)
        for r in riders
    ]
    codes = [response.status_code for response in run_together(calls)]
    assert Counter(codes) == {200: 1, 409: 4}
    kinds = session.exec(select(PointsEntry.kind)).all()
    assert kinds.count("verification") == 1
    photos = session.exec(select(ReportPhoto).where(ReportPhoto.kind == PhotoKind.CHECK)).all()
    assert len({p.uploaded_by_id for p in photos}) == 1
    session.commit()


def test_a_bad_photo_is_refused_and_the_check_stays_open(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    near_rider(session, "13800000001")
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [check] = open_checks(session)
    headers = login(client, "13800000001")
    assert_problem(submit(client, headers, check.id or 0, photo=b"not a photo at all"), 415)
    assert open_checks(session)[0].status is VerificationStatus.OPEN
    assert submit(client, headers, check.id or 0).status_code == 200


def test_pending_riders_and_riders_not_offered_may_not_take_checks(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    near_rider(session, "13800000001", active=False)
    near_rider(session, "13800000003")
    far = make_rider(session, "13800000002")
    reported_north_of_the_case(session, far, 6_000)
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [check] = open_checks(session)
    pending = login(client, "13800000001")
    assert_problem(client.get("/api/v1/verifications", headers=pending), 403)
    assert_problem(submit(client, pending, check.id or 0), 403)
    assert_problem(submit(client, login(client, "13800000002"), check.id or 0), 404)


def test_the_coordinators_decision_withdraws_open_checks(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    near_rider(session, "13800000001")
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    move_report(session, resolved_report, ReportStatus.RESOLVED, ReportStatus.CLOSED)
    [check] = open_checks(session)
    assert check.status is VerificationStatus.EXPIRED
    staff = client.get("/api/v1/verifications", headers=login(client, "coord")).json()["items"]
    assert [(item["id"], item["status"]) for item in staff] == [(check.id, "expired")]
