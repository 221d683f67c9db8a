"""Points: the balance and its ledger, redeeming a reward, redemptions and the leaderboards."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_client import ADMIN, COORDINATOR, ApiClient, Rider
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

REWARD_COST = 20


def test_rider_redeems_a_reward_and_sees_balance_ledger_and_redemption(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    reward = api.call(
        "POST",
        "/rewards",
        as_user=ADMIN,
        json={
            "name": "电动车头盔",
            "cost": REWARD_COST,
            "stock": 3,
            "description": "3C 认证安全头盔",
        },
    )
    api.call(
        "POST",
        "/points/adjustments",
        as_user=COORDINATOR,
        json={"rider_id": rider.id, "amount": 50, "reason": "志愿服务表彰"},
    )
    page = rider_page
    page.get_by_role("link", name="积分", exact=True).click()
    expect(page.locator("#points-balance")).to_have_text("50")
    card = page.locator(f'.reward-card[data-reward-id="{reward["id"]}"]')
    expect(card).to_contain_text("剩 3 件")
    screenshot(page, "20-points-rewards")

    card.get_by_role("button", name="兑换").click()
    card.get_by_role("button", name=f"确认兑换（-{REWARD_COST}）").click()

    expect(page.locator("#points-balance")).to_have_text("30")
    expect(card).to_contain_text("剩 2 件")
    assert api.as_rider(rider, "GET", "/me/points")["balance"] == 30
    page.get_by_role("tab", name="兑换记录").click()
    expect(page.locator(".ledger-row", has_text="电动车头盔")).to_contain_text("待领取")
    page.get_by_role("tab", name="明细").click()
    expect(page.locator(".ledger-row", has_text="志愿服务表彰")).to_contain_text("+50")
    screenshot(page, "21-points-ledger")


def test_a_reward_beyond_the_balance_cannot_be_redeemed(rider_page: Page, api: ApiClient) -> None:
    reward = api.call(
        "POST", "/rewards", as_user=ADMIN, json={"name": "加油卡 500 元", "cost": 5000, "stock": 1}
    )
    page = rider_page
    page.goto("/#/points?tab=rewards")
    card = page.locator(f'.reward-card[data-reward-id="{reward["id"]}"]')
    expect(card.get_by_role("button", name="积分不足")).to_be_disabled()


def test_leaderboards_rank_riders_and_teams_by_month_and_all_time(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    api.call(
        "POST",
        "/points/adjustments",
        as_user=COORDINATOR,
        json={"rider_id": rider.id, "amount": 100_000, "reason": "测试：榜首"},
    )
    page = rider_page
    page.goto("/#/points?tab=board")
    expect(page.locator(".board-row").first).to_have_class("board-row mine top")
    screenshot(page, "22-leaderboard")
    page.get_by_role("button", name="队伍").click()
    expect(page.locator(".board-row").first).to_be_visible()
    page.get_by_role("button", name="总榜").click()
    expect(page.get_by_role("button", name="总榜")).to_have_attribute("aria-pressed", "true")
