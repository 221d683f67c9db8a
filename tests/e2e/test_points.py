"""Points: the balance and its ledger, redeeming a reward, redemptions and the leaderboards."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_client import ADMIN, COORDINATOR, ApiClient, Rider
from tests.e2e.conftest import OpenPage, screenshot
from tests.e2e.test_console import console_login

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
            "picture_url": "/icons/icon-192.png",
            "pickup_place": "东华社区党群服务中心一楼",
            "pickup_hours": "工作日 9:00-17:00",
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
    row = page.locator(".ledger-row", has_text="电动车头盔")
    expect(row).to_contain_text("待领取")
    [mine] = api.as_rider(rider, "GET", "/me/redemptions")["items"]
    expect(row.locator(".pickup-code .code")).to_have_text(mine["pickup_code"])
    expect(row).to_contain_text("领取地点：东华社区党群服务中心一楼")
    expect(row).to_contain_text("领取时间：工作日 9:00-17:00")
    expect(row.locator("img.reward-picture")).to_have_attribute("src", "/icons/icon-192.png")
    screenshot(page, "23-redemption-pickup")
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


def test_the_coordinator_hands_a_reward_over_only_with_the_riders_code(
    rider_page: Page, rider: Rider, api: ApiClient, desk: OpenPage
) -> None:
    reward = api.call(
        "POST",
        "/rewards",
        as_user=ADMIN,
        json={"name": "骑行雨衣（兑换码）", "cost": REWARD_COST, "stock": 2},
    )
    api.call(
        "POST",
        "/points/adjustments",
        as_user=COORDINATOR,
        json={"rider_id": rider.id, "amount": REWARD_COST, "reason": "志愿服务表彰"},
    )
    redemption = api.as_rider(rider, "POST", "/redemptions", json={"reward_id": reward["id"]})
    code = redemption["pickup_code"]

    console = desk()
    console_login(console, COORDINATOR)
    console.goto("/console/#/redemptions")
    row = console.locator(f'tr[data-redemption-id="{redemption["id"]}"]')
    assert code not in row.inner_text()  # the console is never told the code
    row.get_by_role("button", name="发放").click()
    dialog = console.locator("dialog[open]")
    dialog.get_by_label("兑换码").fill("000000" if code != "000000" else "111111")
    dialog.get_by_role("button", name="发放").click()
    expect(dialog).to_contain_text("兑换码不对")
    screenshot(console, "24-console-redemption-code")
    dialog.get_by_label("兑换码").fill(code)
    dialog.get_by_role("button", name="发放").click()
    expect(dialog).to_have_count(0)
    expect(console.locator(".toast")).to_contain_text("已发放")

    page = rider_page
    page.goto("/#/points?tab=redemptions")
    expect(page.locator(".ledger-row", has_text="骑行雨衣（兑换码）")).to_contain_text("已领取")
