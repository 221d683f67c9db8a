"""Volunteer teams: created by staff, led by a member, with a page of members and points."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from tests.factories import (
    COMMUNITY,
    OTHER_COMMUNITY,
    assert_problem,
    login,
    make_account,
    seed_grids,
)
from tests.fixtures.reports import make_report
from tests.points.factories import TO_CLOSED, move_report
from tests.riders.factories import make_rider, make_team


def test_coordinator_creates_a_team_in_own_community_only(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    headers = login(client, "coord")
    body = {"name": "东华骑手先锋队", "community_code": COMMUNITY, "area_name": "东华片区"}
    response = client.post("/api/v1/teams", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "东华骑手先锋队"
    assert response.json()["members"] == []
    elsewhere = {**body, "community_code": OTHER_COMMUNITY}
    assert_problem(client.post("/api/v1/teams", json=elsewhere, headers=headers), 403)


def test_riders_may_not_create_teams(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_rider(session, "13800000001")
    body = {"name": "自封一队", "community_code": COMMUNITY}
    response = client.post("/api/v1/teams", json=body, headers=login(client, "13800000001"))
    assert_problem(response, 403)


def test_leader_must_be_an_active_member_of_the_team(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    team = make_team(session)
    member = make_rider(session, "13800000001", team=team)
    outsider = make_rider(session, "13800000002")
    pending = make_rider(session, "13800000003", team=team, active=False)
    headers = login(client, "coord")
    url = f"/api/v1/teams/{team.id}"
    for refused in (outsider, pending):
        response = client.patch(
            url, json={"leader_account_id": refused.account_id}, headers=headers
        )
        assert_problem(response, 422)
    response = client.patch(url, json={"leader_account_id": member.account_id}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["leader"]["id"] == member.account_id


def test_a_leader_who_leaves_the_team_steps_down(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    team = make_team(session)
    leader = make_rider(session, "13800000001", team=team)
    client.patch(
        f"/api/v1/teams/{team.id}",
        json={"leader_account_id": leader.account_id},
        headers=login(client, "coord"),
    )
    rider_headers = login(client, "13800000001")
    response = client.patch("/api/v1/me/profile", json={"team_id": None}, headers=rider_headers)
    assert response.json()["team_id"] is None
    page = client.get(f"/api/v1/teams/{team.id}", headers=rider_headers).json()
    assert page["leader"] is None
    assert page["members"] == []


def test_team_page_shows_members_with_masked_phones_and_this_months_points(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    team = make_team(session)
    first = make_rider(session, "13800000001", name="赵师傅", team=team)
    make_rider(session, "13800000002", name="钱师傅", team=team)
    report = make_report(session, first.account_id)
    move_report(session, report, *TO_CLOSED)
    page = client.get(f"/api/v1/teams/{team.id}", headers=login(client, "13800000002"))
    assert page.status_code == 200, page.text
    members = {member["rider"]["name"]: member for member in page.json()["members"]}
    assert members["赵师傅"]["rider"]["phone"] == "138****0001"
    assert members["钱师傅"]["rider"]["phone"] == "13800000002"  # the rider themself
    # 5 for the accepted report (暴露垃圾) and the 5-point bonus when it closed.
    assert members["赵师傅"]["points_this_month"] == 10
    assert page.json()["activity"]["reports"] == 1
    assert page.json()["activity"]["points"] == 10
    assert page.json()["points_total"] == 10


def test_unknown_team_page_is_404(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_rider(session, "13800000001")
    assert_problem(client.get("/api/v1/teams/999", headers=login(client, "13800000001")), 404)
