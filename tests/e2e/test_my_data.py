"""个人信息保护 on the Me screen: a rider downloads their data, then ends their account."""

import json

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_client import RIDER_PASSWORD, ApiClient, Rider
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_a_rider_downloads_their_data(rider_page: Page, rider: Rider) -> None:
    rider_page.goto("/#/me")

    with rider_page.expect_download() as download:
        rider_page.get_by_role("button", name="下载我的全部数据").click()

    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["id"] == rider.id
    assert data["rider_profile"]["phone"] == rider.phone
    assert data["privacy_consent"]["agreed_version"] == data["privacy_consent"]["current_version"]


def test_a_wrong_password_keeps_the_account(rider_page: Page, rider: Rider, api: ApiClient) -> None:
    api.token(rider.phone, RIDER_PASSWORD)  # before the wrong guess makes logins wait
    rider_page.goto("/#/me")
    rider_page.get_by_text("注销账号", exact=True).first.click()
    rider_page.get_by_label("请输入密码确认").fill("not-my-password")
    rider_page.once("dialog", lambda dialog: dialog.accept())
    rider_page.get_by_role("button", name="注销账号").click()

    expect(rider_page.locator(".account-ending .form-error")).to_contain_text("密码不正确")
    assert api.as_rider(rider, "GET", "/me")["status"] == "active"


def test_a_rider_ends_their_account(rider_page: Page, rider: Rider, api: ApiClient) -> None:
    rider_page.goto("/#/me")
    rider_page.get_by_text("注销账号", exact=True).first.click()
    rider_page.get_by_label("请输入密码确认").fill(RIDER_PASSWORD)
    screenshot(rider_page, "40-end-account")
    rider_page.once("dialog", lambda dialog: dialog.accept())
    rider_page.get_by_role("button", name="注销账号").click()

    expect(rider_page.get_by_role("heading", name="骑手登录")).to_be_visible()
    expect(rider_page.locator("#toast")).to_have_text("账号已注销")
    login = httpx.post(
        f"{api.base_url}/api/v1/auth/token",
        data={"username": rider.phone, "password": RIDER_PASSWORD},
        timeout=10,
    )
    assert login.status_code == 401
