"""报到备案: a rider registers in the app, waits for review, and is let in once approved."""

import pytest
from playwright.sync_api import Page, expect

from app.demo.seed import DEMO_PASSWORD
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.e2e.api_client import COORDINATOR, RIDER_PASSWORD, ApiClient, new_phone
from tests.e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.e2e


def test_rider_registers_waits_for_review_and_gets_in_once_approved(
    page: Page, api: ApiClient
) -> None:
    phone = new_phone()
    page.goto("/")
    expect(page.get_by_role("heading", name="骑手登录")).to_be_visible()
    page.get_by_role("link", name="报到备案").click()
    page.get_by_label("手机号（登录账号）").fill(phone)
    page.get_by_label("姓名").fill("王师傅")
    page.get_by_label("设置密码").fill("wang-password-1")
    page.get_by_label("所属平台").select_option("meituan")
    page.get_by_label("我是党员").check()
    community = page.get_by_label("报到社区")
    expect(community.locator("option", has_text="东华社区")).to_have_count(1)
    community.select_option(label="东华社区")
    team = page.get_by_label("志愿者队伍（可选）")
    expect(team.locator("option")).not_to_have_count(1)
    team.select_option(index=1)
    page.get_by_role("button", name="提交报到").click()
    consent_error = page.locator(".consent .field-error")
    expect(consent_error).to_have_text("请先阅读并勾选同意个人信息处理告知")
    page.get_by_text("个人信息处理告知（点击阅读）").click()
    expect(page.locator(".notice-text")).to_contain_text("个人信息保护法")
    page.get_by_label("我已阅读并同意《个人信息处理告知》").check()
    expect(consent_error).to_be_hidden()
    screenshot(page, "10-register")
    page.get_by_role("button", name="提交报到").click()

    expect(page.locator(".status-line")).to_have_text("等待审核")
    screenshot(page, "11-pending-review")
    pending = api.call("GET", "/riders", as_user=COORDINATOR, params={"status": "pending"})
    [mine] = [r for r in pending["items"] if r["name"] == "王师傅"]
    assert mine["phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert mine["party_member"] is True
    api.approve_rider(mine["id"])
    profile = api.call("GET", "/me/profile", as_user=phone, password="wang-password-1")
    assert profile["privacy_consent_version"] == CURRENT_NOTICE.version

    page.get_by_role("button", name="刷新审核状态").click()
    expect(page.locator("#camera-input")).to_be_attached()
    expect(page.get_by_role("link", name="随手拍")).to_have_attribute("aria-current", "page")


def test_wrong_password_says_so(page: Page, api: ApiClient) -> None:
    rider = api.active_rider()
    page.goto("/#/login")
    page.get_by_label("手机号").fill(rider.phone)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".form-error")).to_have_text("手机号或密码错误")


def test_an_expired_session_goes_back_to_the_login_screen(page: Page, api: ApiClient) -> None:
    rider = api.active_rider()
    log_in(page, rider.phone)
    page.evaluate("localStorage.setItem('tantou.token', 'expired-or-forged')")

    page.reload()

    expect(page.get_by_role("heading", name="骑手登录")).to_be_visible()
    expect(page.locator("#toast")).to_have_text("登录已过期，请重新登录")


def test_a_fields_error_stays_while_it_is_wrong_and_goes_once_it_is_fixed(page: Page) -> None:
    page.goto("/#/register")
    page.get_by_role("button", name="提交报到").click()
    phone = page.get_by_label("手机号（登录账号）")
    name = page.get_by_label("姓名")
    expect(phone).to_be_focused()
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("请输入 11 位手机号")).to_be_visible()
    expect(name).to_have_attribute("aria-invalid", "true")
    screenshot(page, "12-register-field-errors")

    phone.fill("1380000")  # still too short: the message stays
    expect(page.get_by_text("请输入 11 位手机号")).to_be_visible()
    phone.fill(new_phone())
    expect(page.get_by_text("请输入 11 位手机号")).to_be_hidden()
    expect(phone).not_to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-invalid", "true")  # the others keep theirs
    name.fill("王师傅")
    expect(name).not_to_have_attribute("aria-invalid", "true")


def test_the_login_screens_messages_go_once_the_rider_fixes_what_they_say(
    page: Page, api: ApiClient
) -> None:
    rider = api.active_rider()
    page.goto("/#/login")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("请输入手机号", exact=True)).to_be_visible()
    page.get_by_label("手机号").fill(rider.phone)
    expect(page.get_by_text("请输入手机号", exact=True)).to_be_hidden()
    expect(page.get_by_text("请输入密码", exact=True)).to_be_visible()
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".form-error")).to_have_text("手机号或密码错误")
    page.get_by_label("密码").fill(RIDER_PASSWORD)
    expect(page.locator(".form-error")).to_be_hidden()


def test_a_staff_account_cannot_log_in_to_the_rider_app(page: Page) -> None:
    page.goto("/#/login")
    page.get_by_label("手机号").fill(COORDINATOR)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".form-error")).to_contain_text("这是工作人员账号，不能登录骑手端")
    screenshot(page, "13-login-staff-refused")
    assert page.evaluate("() => localStorage.getItem('tantou.me')") is None
    expect(page.get_by_role("heading", name="骑手登录")).to_be_visible()
