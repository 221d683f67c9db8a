"""Points over HTTP: my balance and entries, adjustments, monthly statements, rules, boards."""

import csv
import io
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.core.clock import utcnow
from app.points.models import PointsEntry
from app.points.periods import month_of
from app.points.rules import EntryKind
from app.points.service import lock_account, post_entry
from tests.factories import (
    COMMUNITY,
    OTHER_COMMUNITY,
    TOWN,
    assert_problem,
    login,
    make_account,
    seed_grids,
)
from tests.fixtures.reports import make_report
from tests.points.factories import TO_CLOSED, give_points, move_report
from tests.riders.factories import make_rider, make_team

RIDER_PHONE = "13800000001"


def test_my_points_show_the_balance_and_entries_newest_first(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    rider = make_rider(session, RIDER_PHONE)
    report = make_report(session, rider.account_id)
    move_report(session, report, *TO_CLOSED)
    response = client.get("/api/v1/me/points", headers=login(client, RIDER_PHONE))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["balance"] == 10
    assert [(e["amount"], e["report_id"]) for e in body["entries"]] == [(5, report.id)] * 2
    assert body["entries"][0]["kind"] == "report_fixed"
    assert set(body["entries"][0]) >= {"amount", "reason", "report_id", "created_at"}


def test_a_coordinator_adjusts_with_a_reason_and_is_recorded_as_its_author(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    coordinator = make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    rider = make_rider(session, RIDER_PHONE)
    headers = login(client, "coord")
    body = {"rider_id": rider.account_id, "amount": 20, "reason": "协助疏导交通"}
    response = client.post("/api/v1/points/adjustments", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert (response.json()["amount"], response.json()["kind"]) == (20, "adjustment")
    assert_problem(
        client.post("/api/v1/points/adjustments", json={**body, "reason": ""}, headers=headers),
        422,
    )
    entry = session.exec(select(PointsEntry)).one()
    assert entry.created_by_id == coordinator.id
    session.commit()


def test_an_adjustment_retried_with_its_client_id_is_recorded_once(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    rider = make_rider(session, RIDER_PHONE)
    headers = login(client, "coord")
    body = {
        "rider_id": rider.account_id,
        "amount": 8,
        "reason": "补录",
        "client_id": str(uuid.uuid4()),
    }
    first = client.post("/api/v1/points/adjustments", json=body, headers=headers)
    again = client.post("/api/v1/points/adjustments", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = client.post("/api/v1/points/adjustments", json={**body, "amount": 9}, headers=headers)
    assert_problem(changed, 409, slug="client-id-reused")


def test_a_deduction_beyond_the_balance_is_409_not_enough_points_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 5)
    body = {"rider_id": rider.account_id, "amount": -6, "reason": "误加扣回"}
    response = client.post("/api/v1/points/adjustments", json=body, headers=login(client, "coord"))
    assert "Not enough points" in assert_problem(response, 409, slug="not-enough-points")["detail"]
    assert (
        client.get("/api/v1/me/points", headers=login(client, RIDER_PHONE)).json()["balance"] == 5
    )


def test_adjustments_are_for_staff_of_the_riders_community(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "elsewhere", areas=(OTHER_COMMUNITY,))
    rider = make_rider(session, RIDER_PHONE)
    body = {"rider_id": rider.account_id, "amount": 5, "reason": "x"}
    url = "/api/v1/points/adjustments"
    assert_problem(client.post(url, json=body, headers=login(client, "elsewhere")), 404)
    assert_problem(client.post(url, json=body, headers=login(client, RIDER_PHONE)), 403)


def test_the_monthly_statement_opens_in_a_spreadsheet_with_chinese_intact(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(TOWN,))
    rider = make_rider(session, RIDER_PHONE)
    move_report(session, make_report(session, rider.account_id), *TO_CLOSED)
    give_points(session, rider.account_id, -3)
    month = month_of(utcnow())
    mine = client.get(
        "/api/v1/me/points/statement",
        params={"month": month},
        headers=login(client, RIDER_PHONE),
    )
    assert mine.status_code == 200, mine.text
    assert mine.headers["content-type"].startswith("text/csv")
    assert "attachment" in mine.headers["content-disposition"]
    assert mine.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(mine.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["时间", "类型", "积分变动", "余额", "说明", "关联编号"]
    assert [row["类型"] for row in rows] == [
        "期初余额",
        "上报被受理",
        "问题办结",
        "人工调整",
        "期末余额",
    ]
    assert [row["余额"] for row in rows] == ["0", "5", "10", "7", "7"]
    assert rows[1]["说明"] == "上报被受理：暴露垃圾"
    staff = client.get(
        f"/api/v1/riders/{rider.account_id}/points/statement",
        params={"month": month},
        headers=login(client, "coord"),
    )
    assert staff.content == mine.content


def test_a_month_before_any_entry_gives_an_empty_statement(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 4)
    response = client.get(
        "/api/v1/me/points/statement",
        params={"month": "2020-01"},
        headers=login(client, RIDER_PHONE),
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["期初余额", "期末余额"]


def test_a_malformed_month_is_422(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_rider(session, RIDER_PHONE)
    response = client.get(
        "/api/v1/me/points/statement",
        params={"month": "2026-13"},
        headers=login(client, RIDER_PHONE),
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "month"


def test_admins_edit_rules_and_everyone_reads_them(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.ADMIN, "admin")
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    make_rider(session, RIDER_PHONE)
    rules = client.get("/api/v1/points/rules", headers=login(client, RIDER_PHONE)).json()["items"]
    assert {rule["code"]: rule["points"] for rule in rules} == {
        "case_fixed_bonus": 5,
        "urgent_confirmed_bonus": 10,
        "verification_done": 3,
        "notice_shared": 2,
        "daily_cap": 50,
    }
    url = "/api/v1/points/rules/daily_cap"
    assert_problem(client.patch(url, json={"points": 80}, headers=login(client, "coord")), 403)
    response = client.patch(url, json={"points": 80}, headers=login(client, "admin"))
    assert response.json()["points"] == 80
    assert_problem(client.patch(url, json={"points": -1}, headers=login(client, "admin")), 422)


def test_leaderboards_rank_riders_and_teams_by_points_earned_in_the_area(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    team = make_team(session)
    other_team = make_team(session, "淮河一队", community=OTHER_COMMUNITY)
    top = make_rider(session, "13800000001", name="赵师傅", team=team)
    second = make_rider(session, "13800000002", name="钱师傅", team=team)
    far = make_rider(
        session, "13800000003", name="孙师傅", community=OTHER_COMMUNITY, team=other_team
    )
    give_points(session, top.account_id, 30)
    give_points(session, second.account_id, 20)
    give_points(session, far.account_id, 25)
    headers = login(client, "13800000002")

    def board(**params: str) -> list[dict[str, object]]:
        response = client.get("/api/v1/leaderboards", params=params, headers=headers)
        assert response.status_code == 200, response.text
        items: list[dict[str, object]] = response.json()["items"]
        return items

    everyone = board(kind="riders", period="all")
    assert [(i["rank"], i["points"], i["rider"]["name"]) for i in everyone] == [  # type: ignore[index]
        (1, 30, "赵师傅"),
        (2, 25, "孙师傅"),
        (3, 20, "钱师傅"),
    ]
    assert {i["rider"]["phone"] for i in everyone} == {  # type: ignore[index]
        "138****0001",
        "138****0002",
        "138****0003",
    }
    town = board(kind="riders", period="month", area=TOWN)
    assert [i["rider"]["name"] for i in town] == ["赵师傅", "钱师傅"]  # type: ignore[index]
    teams = board(kind="teams", period="month")
    assert [(t["name"], t["points"], t["member_count"]) for t in teams] == [
        ("第一志愿队", 50, 2),
        ("淮河一队", 25, 1),
    ]
    assert_problem(
        client.get("/api/v1/leaderboards", params={"area": "nowhere"}, headers=headers), 422
    )


def test_spending_points_does_not_lower_a_rank(client: TestClient, session: Session) -> None:
    seed_grids(session)
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 30)
    lock_account(session, rider.account_id)
    post_entry(
        session,
        rider_id=rider.account_id,
        amount=-25,
        kind=EntryKind.REDEMPTION,
        source_id="1",
        reason="兑换：头盔",
        actor_id=rider.account_id,
    )
    session.commit()
    items = client.get(
        "/api/v1/leaderboards", params={"period": "all"}, headers=login(client, RIDER_PHONE)
    ).json()["items"]
    assert items[0]["points"] == 30
