"""Verification tasks: offered when a unit completes a task, first valid check wins with photos
on the case and points; others get 409."""

from collections import Counter
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.cases.states import TaskStatus
from app.core.config import Settings
from app.points.models import PointsEntry
from app.reports.models import PhotoKind, Report, ReportEvent, ReportPhoto
from app.reports.states import ReportStatus
from app.verifications.models import VerificationStatus, VerificationTask
from tests.factories import (
    COMMUNITY,
    OTHER_COMMUNITY,
    assert_problem,
    login,
    make_account,
    seed_grids,
)
from tests.fixtures.reports import make_report
from tests.points.factories import move_report, run_together
from tests.riders.factories import make_many_riders, make_rider, make_team, token_headers
from tests.verifications.factories import CHECK_PHOTO, complete_a_task


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


def test_a_completed_task_is_offered_to_the_riders_of_its_communitys_teams(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    team = make_team(session)
    make_rider(session, "13800000001", team=team)
    far_team = make_team(session, "淮河一队", community=OTHER_COMMUNITY)
    make_rider(session, "13800000002", community=OTHER_COMMUNITY, team=far_team)
    make_rider(session, "13800000003")  # in the community, but in no team
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [check] = open_checks(session)
    assert (check.report_id, check.status) == (resolved_report.id, VerificationStatus.OPEN)

    def listed(phone: str) -> list[int]:
        response = client.get(
            "/api/v1/verifications", params={"status": "open"}, headers=login(client, phone)
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert listed("13800000001") == [check.id]
    assert listed("13800000002") == []
    assert listed("13800000003") == []


def test_no_check_is_offered_without_a_team_or_before_completion(
    session: Session, resolved_report: Report
) -> None:
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    assert open_checks(session) == []
    make_team(session)
    complete_a_task(session, resolved_report, to_status=TaskStatus.RETURNED)
    assert open_checks(session) == []


def test_the_first_valid_check_wins_goes_on_the_case_and_earns_points(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    team = make_team(session)
    first = make_rider(session, "13800000001", team=team)
    make_rider(session, "13800000002", team=team)
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
    team = make_team(session)
    riders = make_many_riders(session, 5)
    for rider in riders:
        rider.team_id = team.id
        session.add(rider)
    session.commit()
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
    team = make_team(session)
    make_rider(session, "13800000001", team=team)
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [check] = open_checks(session)
    headers = login(client, "13800000001")
    assert_problem(submit(client, headers, check.id or 0, photo=b"not a photo at all"), 415)
    assert open_checks(session)[0].status is VerificationStatus.OPEN
    assert submit(client, headers, check.id or 0).status_code == 200


def test_pending_riders_and_other_communities_may_not_take_checks(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    team = make_team(session)
    make_rider(session, "13800000001", team=team, active=False)
    far_team = make_team(session, "淮河一队", community=OTHER_COMMUNITY)
    make_rider(session, "13800000002", community=OTHER_COMMUNITY, team=far_team)
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    [check] = open_checks(session)
    pending = login(client, "13800000001")
    assert_problem(client.get("/api/v1/verifications", headers=pending), 403)
    assert_problem(submit(client, pending, check.id or 0), 403)
    assert_problem(submit(client, login(client, "13800000002"), check.id or 0), 404)


def test_the_coordinators_decision_withdraws_open_checks(
    client: TestClient, session: Session, resolved_report: Report
) -> None:
    make_team(session)
    complete_a_task(session, resolved_report, to_status=TaskStatus.COMPLETED)
    move_report(session, resolved_report, ReportStatus.RESOLVED, ReportStatus.CLOSED)
    [check] = open_checks(session)
    assert check.status is VerificationStatus.EXPIRED
    staff = client.get("/api/v1/verifications", headers=login(client, "coord")).json()["items"]
    assert [(item["id"], item["status"]) for item in staff] == [(check.id, "expired")]
