"""Policy notices (政策宣讲): addressed by area or team, read, passed on (points once), reach."""

from collections import Counter
from functools import partial

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.core.config import Settings
from app.points.models import PointsEntry
from tests.factories import (
    COMMUNITY,
    GRID,
    OTHER_COMMUNITY,
    TOWN,
    assert_problem,
    login,
    make_account,
    seed_grids,
)
from tests.points.factories import run_together
from tests.riders.factories import make_rider, make_team, token_headers

NOTICE = {"title": "电动车安全充电须知", "body": "请勿在楼道内为电动车充电……"}


def publish(client: TestClient, headers: dict[str, str], **audience: object) -> int:
    response = client.post("/api/v1/notices", json={**NOTICE, **audience}, headers=headers)
    assert response.status_code == 201, response.text
    notice_id: int = response.json()["id"]
    return notice_id


def test_riders_see_the_notices_of_their_area_only(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(TOWN,))
    make_rider(session, "13800000001")
    make_rider(session, "13800000002", community=OTHER_COMMUNITY)
    notice_id = publish(client, login(client, "coord"), area_code=TOWN)
    here = client.get("/api/v1/notices", headers=login(client, "13800000001")).json()["items"]
    assert [(n["id"], n["title"], n["read_at"]) for n in here] == [
        (notice_id, NOTICE["title"], None)
    ]
    elsewhere = login(client, "13800000002")
    assert client.get("/api/v1/notices", headers=elsewhere).json()["items"] == []
    assert_problem(client.get(f"/api/v1/notices/{notice_id}", headers=elsewhere), 404)
    assert_problem(client.post(f"/api/v1/notices/{notice_id}/read", headers=elsewhere), 404)


def test_a_team_notice_reaches_only_the_team(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    team = make_team(session)
    make_rider(session, "13800000001", team=team)
    make_rider(session, "13800000002")  # same community, no team
    notice_id = publish(client, login(client, "coord"), team_id=team.id)
    member = client.get("/api/v1/notices", headers=login(client, "13800000001")).json()
    assert [n["id"] for n in member["items"]] == [notice_id]
    outsider = client.get("/api/v1/notices", headers=login(client, "13800000002")).json()
    assert outsider["items"] == []


def test_all_my_areas_is_the_one_community_a_coordinator_owns(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    make_rider(session, "13800000001")
    published = client.post("/api/v1/notices", json=NOTICE, headers=login(client, "coord"))
    assert published.status_code == 201, published.text
    assert published.json()["area_code"] == COMMUNITY
    read = client.get("/api/v1/notices", headers=login(client, "13800000001")).json()["items"]
    assert [n["id"] for n in read] == [published.json()["id"]]


def test_all_my_areas_is_refused_when_it_names_no_one_audience(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "two", areas=(COMMUNITY, OTHER_COMMUNITY))
    make_account(session, Role.COORDINATOR, "grid", areas=(GRID,))
    for username in ("two", "grid"):
        answer = client.post("/api/v1/notices", json=NOTICE, headers=login(client, username))
        assert assert_problem(answer, 422)["errors"][0]["field"] == "area_code"
    assert client.get("/api/v1/notices", headers=login(client, "two")).json()["items"] == []


def test_coordinators_address_only_their_own_areas(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    headers = login(client, "coord")
    url = "/api/v1/notices"
    assert_problem(
        client.post(url, json={**NOTICE, "area_code": OTHER_COMMUNITY}, headers=headers), 403
    )
    assert_problem(client.post(url, json={**NOTICE, "area_code": TOWN}, headers=headers), 403)
    make_rider(session, "13800000001")
    assert_problem(
        client.post(
            url, json={**NOTICE, "area_code": COMMUNITY}, headers=login(client, "13800000001")
        ),
        403,
    )


def test_passing_a_notice_on_earns_points_once_and_counts_as_read(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    make_rider(session, "13800000001")
    notice_id = publish(client, login(client, "coord"), area_code=COMMUNITY)
    headers = login(client, "13800000001")
    first = client.post(f"/api/v1/notices/{notice_id}/share", headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["points_earned"] == 2
    assert first.json()["read_at"] is not None
    again = client.post(f"/api/v1/notices/{notice_id}/share", headers=headers).json()
    assert again["shared_at"] == first.json()["shared_at"]
    assert client.get("/api/v1/me/points", headers=headers).json()["balance"] == 2


def test_pending_riders_may_neither_read_nor_pass_on_notices(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    make_rider(session, "13800000001", active=False)
    notice_id = publish(client, login(client, "coord"), area_code=COMMUNITY)
    headers = login(client, "13800000001")
    assert_problem(client.get("/api/v1/notices", headers=headers), 403)
    assert_problem(client.get(f"/api/v1/notices/{notice_id}", headers=headers), 403)
    assert_problem(client.post(f"/api/v1/notices/{notice_id}/read", headers=headers), 403)
    assert_problem(client.post(f"/api/v1/notices/{notice_id}/share", headers=headers), 403)
    assert session.exec(select(PointsEntry)).all() == []
    session.commit()


def test_concurrent_shares_by_one_rider_pay_once(
    client: TestClient, session: Session, settings: Settings
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    rider = make_rider(session, "13800000001")
    notice_id = publish(client, login(client, "coord"), area_code=COMMUNITY)
    share = partial(
        client.post,
        f"/api/v1/notices/{notice_id}/share",
        headers=token_headers(settings, rider.account_id),
    )
    responses = run_together([share] * 6)
    assert Counter(r.status_code for r in responses) == {200: 6}
    amounts = session.exec(select(PointsEntry.amount)).all()
    assert amounts == [2]
    session.commit()


def test_staff_see_reach_read_and_passed_on(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    for number in (1, 2, 3):
        make_rider(session, f"1380000000{number}")
    make_rider(session, "13800000009", active=False)  # not counted in the audience
    staff = login(client, "coord")
    notice_id = publish(client, staff, area_code=COMMUNITY)
    client.post(f"/api/v1/notices/{notice_id}/read", headers=login(client, "13800000001"))
    client.post(f"/api/v1/notices/{notice_id}/read", headers=login(client, "13800000001"))
    client.post(f"/api/v1/notices/{notice_id}/share", headers=login(client, "13800000002"))
    detail = client.get(f"/api/v1/notices/{notice_id}", headers=staff)
    assert detail.status_code == 200, detail.text
    assert detail.json()["reach"] == {"audience": 3, "read": 2, "shared": 1}
    listed = client.get("/api/v1/notices", headers=staff).json()["items"]
    assert listed[0]["reach"] == {"audience": 3, "read": 2, "shared": 1}


def test_attachments_are_links(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.ADMIN, "admin")
    headers = login(client, "admin")
    body = {**NOTICE, "links": ["https://www.gov.cn/zhengce/example.html"]}
    response = client.post("/api/v1/notices", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["links"] == body["links"]
    assert response.json()["area_code"] is None  # an admin may address everyone
    bad = {**NOTICE, "links": ["javascript:alert(1)"]}
    assert_problem(client.post("/api/v1/notices", json=bad, headers=headers), 422)
