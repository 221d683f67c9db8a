"""A rider's phone is masked in everything a coordinator can fetch; admins and the rider see it."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.cases.states import TaskStatus
from app.core.clock import utcnow
from app.points.periods import month_of
from app.reports.models import Channel
from app.reports.states import ReportStatus
from app.verifications.models import VerificationTask
from tests.factories import COMMUNITY, login, make_account, seed_grids
from tests.fixtures.reports import make_report
from tests.points.factories import TO_CLOSED, move_report
from tests.rewards.factories import make_reward
from tests.riders.factories import make_rider, make_team
from tests.verifications.factories import CHECK_PHOTO, complete_a_task

PHONE = "13800000001"
MASKED = "138****0001"


def build_a_riders_history(client: TestClient, session: Session) -> tuple[int, int, int]:
    """A rider with reports, points, a redemption, a shared notice and a verification."""
    seed_grids(session)
    make_account(session, Role.ADMIN, "admin")
    coordinator = make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    team = make_team(session)
    rider = make_rider(session, PHONE, name="张师傅", team=team)
    make_rider(session, "13800000002", active=False)  # pending, in the review list
    move_report(session, make_report(session, rider.account_id), *TO_CLOSED)
    # A case recorded by the coordinator next to the rider's own report: the rider checks it.
    pending = make_report(session, coordinator.id or 0, channel=Channel.PHONE)
    move_report(session, pending, *TO_CLOSED[:3])
    complete_a_task(session, pending, to_status=TaskStatus.COMPLETED)
    move_report(session, pending, ReportStatus.RESOLVED)
    check_id = session.exec(select(VerificationTask.id)).one()
    session.commit()
    rider_headers = login(client, PHONE)
    staff = login(client, "coord")
    response = client.post(
        f"/api/v1/verifications/{check_id}/submit",
        files=[("photo", ("check.jpg", CHECK_PHOTO, "image/jpeg"))],
        headers=rider_headers,
    )
    assert response.status_code == 200, response.text
    reward = make_reward(session, cost=5)
    assert (
        client.post(
            "/api/v1/redemptions", json={"reward_id": reward.id}, headers=rider_headers
        ).status_code
        == 201
    )
    notice = client.post(
        "/api/v1/notices",
        json={"title": "通知", "body": "正文", "area_code": COMMUNITY},
        headers=staff,
    ).json()
    client.post(f"/api/v1/notices/{notice['id']}/share", headers=rider_headers)
    assert team.id is not None
    assert pending.id is not None
    return rider.account_id, team.id, pending.id


def staff_urls(rider_id: int, team_id: int, report_id: int) -> list[str]:
    month = month_of(utcnow())
    return [
        "/api/v1/riders",
        "/api/v1/riders?status=pending",
        "/api/v1/riders?status=active",
        f"/api/v1/riders/{rider_id}",
        f"/api/v1/riders/{rider_id}/points",
        f"/api/v1/riders/{rider_id}/points/statement?month={month}",
        f"/api/v1/teams/{team_id}",
        "/api/v1/teams",
        "/api/v1/leaderboards?kind=riders&period=month",
        "/api/v1/leaderboards?kind=riders&period=all",
        "/api/v1/leaderboards?kind=teams&period=all",
        "/api/v1/redemptions",
        "/api/v1/verifications",
        "/api/v1/notices",
        "/api/v1/rewards",
        "/api/v1/reports",
        f"/api/v1/reports/{report_id}",
        f"/api/v1/reports/{report_id}/events",
    ]


def test_no_list_or_export_a_coordinator_fetches_shows_a_full_phone(
    client: TestClient, session: Session
) -> None:
    rider_id, team_id, report_id = build_a_riders_history(client, session)
    staff = login(client, "coord")
    shown_masked = []
    for url in staff_urls(rider_id, team_id, report_id):
        response = client.get(url, headers=staff)
        assert response.status_code == 200, (url, response.text)
        text = response.content.decode("utf-8-sig")
        assert PHONE not in text, url
        assert "13800000002" not in text, url
        if MASKED in text:
            shown_masked.append(url)
    # Every place that names the rider shows the masked phone; the rest never name one.
    assert shown_masked == [
        "/api/v1/riders",
        "/api/v1/riders?status=active",
        f"/api/v1/riders/{rider_id}",
        f"/api/v1/teams/{team_id}",
        "/api/v1/leaderboards?kind=riders&period=month",
        "/api/v1/leaderboards?kind=riders&period=all",
        "/api/v1/redemptions",
        "/api/v1/verifications",
    ]


def test_admins_and_the_rider_see_the_full_phone_but_leaderboards_never_do(
    client: TestClient, session: Session
) -> None:
    rider_id, _team_id, _report_id = build_a_riders_history(client, session)
    admin = login(client, "admin")
    assert client.get(f"/api/v1/riders/{rider_id}", headers=admin).json()["phone"] == PHONE
    mine = client.get("/api/v1/me/profile", headers=login(client, PHONE)).json()
    assert mine["phone"] == PHONE
    board = client.get("/api/v1/leaderboards?period=all", headers=admin).json()["items"]
    assert [item["rider"]["phone"] for item in board] == [MASKED]
