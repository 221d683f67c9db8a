"""Redemption: points and stock taken together or not at all; every refusal a 409 that says
why; a cancellation refunds exactly once; races leave stock and balances exact."""

from collections import Counter
from functools import partial
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.accounts.models import Role
from app.core.config import Settings
from app.points.models import PointsEntry
from app.points.service import balance_of
from app.rewards.models import Redemption, Reward
from tests.factories import (
    COMMUNITY,
    OTHER_COMMUNITY,
    TOWN,
    assert_problem,
    login,
    make_account,
    seed_grids,
)
from tests.points.factories import give_points, run_together
from tests.rewards.factories import make_reward
from tests.riders.factories import make_many_riders, make_rider, token_headers

RIDER_PHONE = "13800000001"


def stock_of(session: Session, reward_id: int) -> int:
    stock = session.exec(select(Reward.stock).where(Reward.id == reward_id)).one()
    session.commit()  # ends the read: a writer session holds SQLite's write lock
    return stock


def balance(session: Session, rider_id: int) -> int:
    value = balance_of(session, rider_id)
    session.commit()
    return value


def redeem(client: TestClient, headers: dict[str, str], reward_id: int) -> Any:
    return client.post("/api/v1/redemptions", json={"reward_id": reward_id}, headers=headers)


def test_only_admins_create_rewards(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.ADMIN, "admin")
    make_account(session, Role.COORDINATOR, "coord", areas=(TOWN,))
    body = {"name": "骑行雨衣", "cost": 120, "stock": 30, "community_code": TOWN}
    assert_problem(client.post("/api/v1/rewards", json=body, headers=login(client, "coord")), 403)
    response = client.post("/api/v1/rewards", json=body, headers=login(client, "admin"))
    assert response.status_code == 201, response.text
    assert {k: response.json()[k] for k in body} == body
    bad = {**body, "community_code": "341126100001001"}  # a grid, not an area with a catalogue
    assert_problem(client.post("/api/v1/rewards", json=bad, headers=login(client, "admin")), 422)


def test_riders_see_the_catalogues_of_their_community_street_and_everyone(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_rider(session, RIDER_PHONE)
    make_reward(session, name="全县通用", community_code=None)
    make_reward(session, name="本镇", community_code=TOWN)
    make_reward(session, name="本社区", community_code=COMMUNITY)
    make_reward(session, name="外社区", community_code=OTHER_COMMUNITY)
    items = client.get("/api/v1/rewards", headers=login(client, RIDER_PHONE)).json()["items"]
    assert sorted(item["name"] for item in items) == ["全县通用", "本社区", "本镇"]


def test_a_redemption_takes_points_and_one_item(client: TestClient, session: Session) -> None:
    seed_grids(session)
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 150)
    reward = make_reward(session, cost=100, stock=2)
    response = redeem(client, login(client, RIDER_PHONE), reward.id or 0)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    assert stock_of(session, reward.id or 0) == 1
    assert balance(session, rider.account_id) == 50
    mine = client.get("/api/v1/me/redemptions", headers=login(client, RIDER_PHONE)).json()
    assert [(r["reward_name"], r["cost"]) for r in mine["items"]] == [("安全头盔", 100)]


def test_my_redemptions_come_newest_first_in_pages(client: TestClient, session: Session) -> None:
    seed_grids(session)
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 300)
    headers = login(client, RIDER_PHONE)
    names = ["头盔", "雨衣", "手套"]
    for name in names:
        reward = make_reward(session, name=name, cost=100)
        assert redeem(client, headers, reward.id or 0).status_code == 201
    first = client.get("/api/v1/me/redemptions", params={"limit": 2}, headers=headers).json()
    assert [r["reward_name"] for r in first["items"]] == ["手套", "雨衣"]
    rest = client.get(
        "/api/v1/me/redemptions",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=headers,
    ).json()
    assert [r["reward_name"] for r in rest["items"]] == ["头盔"]
    assert rest["next_cursor"] is None


def test_every_refusal_is_a_409_that_says_why_and_takes_nothing(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.ADMIN, "admin")
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 250)
    headers = login(client, RIDER_PHONE)
    sold_out = make_reward(session, name="充电宝", stock=0)
    dear = make_reward(session, name="保温箱", cost=500)
    limited = make_reward(session, name="雨衣", cost=10, monthly_limit_per_rider=1)
    withdrawn = make_reward(session, name="旧款头盔", cost=10)
    client.patch(
        f"/api/v1/rewards/{withdrawn.id}", json={"active": False}, headers=login(client, "admin")
    )
    assert redeem(client, headers, limited.id or 0).status_code == 201
    expected = {
        sold_out.id: ("Out of stock", "out-of-stock"),
        dear.id: ("Not enough points", "not-enough-points"),
        limited.id: ("Monthly limit", "conflict"),
        withdrawn.id: ("no longer offered", "conflict"),
    }
    for reward_id, (why, slug) in expected.items():
        body = assert_problem(redeem(client, headers, reward_id or 0), 409, slug=slug)
        assert why in body["detail"], body
    assert balance(session, rider.account_id) == 240
    assert session.exec(select(func.count()).select_from(Redemption)).one() == 1
    session.commit()


def test_pending_riders_may_not_redeem(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_rider(session, RIDER_PHONE, active=False)
    reward = make_reward(session)
    assert_problem(redeem(client, login(client, RIDER_PHONE), reward.id or 0), 403)


def test_thirty_riders_racing_for_three_helmets_give_exactly_three_wins(
    client: TestClient, session: Session, settings: Settings
) -> None:
    seed_grids(session)
    riders = make_many_riders(session, 30)
    for rider in riders:
        give_points(session, rider.account_id, 120)
    helmet = make_reward(session, cost=100, stock=3)
    calls = [
        partial(redeem, client, token_headers(settings, r.account_id), helmet.id or 0)
        for r in riders
    ]
    responses = run_together(calls)
    outcomes = {
        r.account_id: response.status_code for r, response in zip(riders, responses, strict=True)
    }
    assert Counter(outcomes.values()) == {201: 3, 409: 27}
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {"Out of stock."}
    assert stock_of(session, helmet.id or 0) == 0
    winners = {rider_id for rider_id, code in outcomes.items() if code == 201}
    for rider in riders:
        expected = 20 if rider.account_id in winners else 120
        assert balance(session, rider.account_id) == expected
    paid_by = session.exec(select(PointsEntry.rider_id).where(PointsEntry.amount == -100)).all()
    assert sorted(paid_by) == sorted(winners)
    session.commit()


def test_one_riders_concurrent_redemptions_never_overspend(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 250)
    reward = make_reward(session, cost=100, stock=10)
    headers = login(client, RIDER_PHONE)
    responses = run_together([partial(redeem, client, headers, reward.id or 0)] * 6)
    assert Counter(r.status_code for r in responses) == {201: 2, 409: 4}
    assert balance(session, rider.account_id) == 50
    assert stock_of(session, reward.id or 0) == 8


def test_a_monthly_limit_holds_under_concurrent_redemptions(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 1000)
    reward = make_reward(session, cost=10, stock=10, monthly_limit_per_rider=2)
    headers = login(client, RIDER_PHONE)
    responses = run_together([partial(redeem, client, headers, reward.id or 0)] * 5)
    assert Counter(r.status_code for r in responses) == {201: 2, 409: 3}
    assert balance(session, rider.account_id) == 980


def test_cancelling_refunds_points_and_stock_exactly_once(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 100)
    reward = make_reward(session, cost=100, stock=1)
    redemption = redeem(client, login(client, RIDER_PHONE), reward.id or 0).json()
    staff = login(client, "coord")
    url = f"/api/v1/redemptions/{redemption['id']}/cancel"
    cancel = partial(client.post, url, json={"reason": "骑手改选其他奖品"}, headers=staff)
    responses = run_together([cancel] * 4)
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 3}
    assert balance(session, rider.account_id) == 100
    assert stock_of(session, reward.id or 0) == 1
    issue = client.post(f"/api/v1/redemptions/{redemption['id']}/issue", headers=staff)
    assert_problem(issue, 409)
    refunds = session.exec(select(PointsEntry).where(PointsEntry.amount == 100)).all()
    assert len(refunds) == 2  # the credit given, and one refund
    session.commit()


def test_an_issued_redemption_cannot_be_cancelled(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(TOWN,))
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 100)
    reward = make_reward(session, cost=100)
    redemption = redeem(client, login(client, RIDER_PHONE), reward.id or 0).json()
    staff = login(client, "coord")
    issued = client.post(f"/api/v1/redemptions/{redemption['id']}/issue", headers=staff)
    assert issued.status_code == 200, issued.text
    assert issued.json()["status"] == "issued"
    cancel = client.post(
        f"/api/v1/redemptions/{redemption['id']}/cancel", json={"reason": "x"}, headers=staff
    )
    assert_problem(cancel, 409)
    assert balance(session, rider.account_id) == 0
    inbox = client.get("/api/v1/me/notifications", headers=login(client, RIDER_PHONE)).json()
    assert inbox["items"][0]["title_zh"] == "奖品已发放：安全头盔"


def test_staff_list_redemptions_of_their_riders_by_status(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    make_account(session, Role.COORDINATOR, "elsewhere", areas=(OTHER_COMMUNITY,))
    rider = make_rider(session, RIDER_PHONE)
    give_points(session, rider.account_id, 100)
    reward = make_reward(session, cost=40)
    headers = login(client, RIDER_PHONE)
    redeem(client, headers, reward.id or 0)
    redeem(client, headers, reward.id or 0)
    pending = client.get(
        "/api/v1/redemptions", params={"status": "pending"}, headers=login(client, "coord")
    ).json()["items"]
    assert [(r["rider"]["phone"], r["status"]) for r in pending] == [("138****0001", "pending")] * 2
    elsewhere = client.get("/api/v1/redemptions", headers=login(client, "elsewhere")).json()
    assert elsewhere["items"] == []
    assert_problem(client.get("/api/v1/redemptions", headers=headers), 403)


def test_restocking_moves_stock_by_a_delta_and_never_below_zero(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_account(session, Role.ADMIN, "admin")
    reward = make_reward(session, stock=2)
    headers = login(client, "admin")
    url = f"/api/v1/rewards/{reward.id}"
    assert client.patch(url, json={"add_stock": 5}, headers=headers).json()["stock"] == 7
    assert_problem(client.patch(url, json={"add_stock": -8}, headers=headers), 409)
    assert stock_of(session, reward.id or 0) == 7
