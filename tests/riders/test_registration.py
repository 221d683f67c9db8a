"""报到备案: self-registration, review by the community's coordinator, the rider's profile."""

from functools import partial

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.factories import (
    COMMUNITY,
    OTHER_COMMUNITY,
    PASSWORD,
    TOWN,
    assert_problem,
    login,
    make_account,
    seed_grids,
)
from tests.points.factories import run_together
from tests.riders.factories import make_rider, make_team

REGISTRATION = {
    "phone": "13800000001",
    "name": "张师傅",
    "password": PASSWORD,
    "platform": "meituan",
    "party_member": True,
    "community_code": COMMUNITY,
    "privacy_consent_version": CURRENT_NOTICE.version,
}


def test_registration_answers_pending_with_team_and_roles(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    team = make_team(session)
    body = {**REGISTRATION, "team_id": team.id, "roles": ["safety_patrol", "policy_promoter"]}
    response = client.post("/api/v1/riders", json=body)
    assert response.status_code == 201, response.text
    registered = response.json()
    assert registered["status"] == "pending"
    assert registered["team_id"] == team.id
    assert registered["roles"] == ["safety_patrol", "policy_promoter"]


def test_coordinator_lists_only_pending_riders_of_own_communities(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "town", areas=(TOWN,))
    pending = make_rider(session, "13800000001", active=False)
    make_rider(session, "13800000002", active=True)
    make_rider(session, "13800000003", community=OTHER_COMMUNITY, active=False)
    response = client.get(
        "/api/v1/riders", params={"status": "pending"}, headers=login(client, "town")
    )
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [pending.account_id]
    assert response.json()["items"][0]["phone"] == "138****0001"


def test_approval_makes_the_rider_active_once(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    rider = make_rider(session, "13800000001", active=False)
    headers = login(client, "coord")
    response = client.post(f"/api/v1/riders/{rider.account_id}/approve", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active"
    assert response.json()["reviewed_at"] is not None
    assert_problem(client.post(f"/api/v1/riders/{rider.account_id}/approve", headers=headers), 409)
    notices = client.get("/api/v1/me/notifications", headers=login(client, "13800000001"))
    assert notices.json()["items"][0]["title_zh"] == "报到备案已通过"


def test_rejection_needs_a_reason_and_keeps_it(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    rider = make_rider(session, "13800000001", active=False)
    headers = login(client, "coord")
    url = f"/api/v1/riders/{rider.account_id}/reject"
    assert_problem(client.post(url, json={}, headers=headers), 422)
    response = client.post(url, json={"reason": "所填社区与工作区域不符"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "所填社区与工作区域不符"
    assert_problem(client.post(f"/api/v1/riders/{rider.account_id}/approve", headers=headers), 409)


def test_coordinator_of_another_community_cannot_see_or_review_the_rider(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "elsewhere", areas=(OTHER_COMMUNITY,))
    rider = make_rider(session, "13800000001", active=False)
    headers = login(client, "elsewhere")
    assert_problem(client.post(f"/api/v1/riders/{rider.account_id}/approve", headers=headers), 404)
    assert_problem(client.get(f"/api/v1/riders/{rider.account_id}", headers=headers), 404)


def test_riders_may_not_review_registrations(client: TestClient, session: Session) -> None:
    seed_grids(session)
    rider = make_rider(session, "13800000001", active=False)
    make_rider(session, "13800000002")
    headers = login(client, "13800000002")
    assert_problem(client.get("/api/v1/riders", headers=headers), 403)
    assert_problem(client.post(f"/api/v1/riders/{rider.account_id}/approve", headers=headers), 403)


def test_two_coordinators_approving_at_once_decide_exactly_once(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "first", areas=(COMMUNITY,))
    make_account(session, Role.COORDINATOR, "second", areas=(TOWN,))
    rider = make_rider(session, "13800000001", active=False)
    url = f"/api/v1/riders/{rider.account_id}/approve"
    callers = [login(client, "first"), login(client, "second")]
    responses = run_together([partial(client.post, url, headers=h) for h in callers])
    assert sorted(r.status_code for r in responses) == [200, 409]


def test_rider_sees_own_full_phone_and_changes_team_and_roles(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    team = make_team(session)
    make_team(session, "淮河一队", community=OTHER_COMMUNITY)
    make_rider(session, "13800000001", active=False)
    headers = login(client, "13800000001")
    profile = client.get("/api/v1/me/profile", headers=headers).json()
    assert profile["phone"] == "13800000001"
    assert profile["status"] == "pending"
    response = client.patch(
        "/api/v1/me/profile",
        json={"team_id": team.id, "roles": ["policy_promoter", "safety_patrol", "safety_patrol"]},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["team_id"] == team.id
    assert response.json()["roles"] == ["safety_patrol", "policy_promoter"]


def test_rider_cannot_join_a_team_of_another_community(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    other_team = make_team(session, "淮河一队", community=OTHER_COMMUNITY)
    make_rider(session, "13800000001")
    response = client.patch(
        "/api/v1/me/profile",
        json={"team_id": other_team.id},
        headers=login(client, "13800000001"),
    )
    assert_problem(response, 422)


def test_profile_is_for_riders_only(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    assert_problem(client.get("/api/v1/me/profile", headers=login(client, "coord")), 403)
