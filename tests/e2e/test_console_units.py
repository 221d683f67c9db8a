"""处置单位 in Chromium: a coordinator sees each unit's contact and workload, edits a unit's
contact, gives a new member of its staff a login, and takes it away again."""

import uuid

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.api_client import COORDINATOR, UNIT_CODE, ApiClient
from tests.e2e.conftest import OpenPage
from tests.e2e.test_console import console_login, open_dialog, screenshot

pytestmark = pytest.mark.e2e


def _unit(api: ApiClient) -> dict[str, object]:
    [unit] = [
        u for u in api.call("GET", "/units", as_user=COORDINATOR)["items"] if u["code"] == UNIT_CODE
    ]
    return unit


def test_a_coordinator_keeps_a_units_contact_and_staff_logins(
    desk: OpenPage, api: ApiClient
) -> None:
    unit = _unit(api)
    load = {
        w["unit_id"]: w for w in api.call("GET", "/units/workload", as_user=COORDINATOR)["items"]
    }[unit["id"]]
    page = desk()
    console_login(page, COORDINATOR)
    page.get_by_role("link", name="处置单位").click()
    row = page.locator(f"tr[data-unit-code='{UNIT_CODE}']")
    expect(row.locator(".workload")).to_have_attribute("data-open", str(load["open"]))
    expect(row).to_contain_text(f"处置中 {load['in_progress']}")
    row.get_by_role("link", name=str(unit["name"])).click()

    page.get_by_role("button", name="编辑").click()
    dialog = open_dialog(page)
    expect(dialog.get_by_label("单位名称")).to_have_value(str(unit["name"]))
    dialog.get_by_label("联系人姓名").fill("王经理")
    dialog.get_by_label("联系电话").fill("0550-6012345")
    dialog.get_by_role("button", name="保存").click()
    expect(page.get_by_role("link", name="0550-6012345")).to_be_visible()
    assert _unit(api)["contact_name"] == "王经理"

    username = f"wy-{uuid.uuid4().hex[:6]}"
    page.get_by_role("button", name="添加账号").click()
    dialog = open_dialog(page)
    dialog.get_by_label("登录名").fill(username)
    dialog.get_by_label("姓名").fill("张师傅")
    dialog.get_by_label("初始密码").fill("short")
    dialog.get_by_role("button", name="创建").click()
    expect(dialog.get_by_label("初始密码")).to_have_attribute("aria-invalid", "")
    dialog.get_by_label("初始密码").fill("unit-staff-2026")
    dialog.get_by_role("button", name="创建").click()
    staff_row = page.locator(f"tr[data-username='{username}']")
    expect(staff_row).to_contain_text("可登录")
    screenshot(page, "console-unit")

    # The new login works in the console, until the coordinator disables it.
    member = desk()
    console_login(member, username, "unit-staff-2026")
    expect(member.get_by_role("link", name="我的任务")).to_be_visible()
    staff_row.get_by_role("button", name="停用").click()
    open_dialog(page).get_by_role("button", name="停用").click()
    expect(page.locator(f"tr[data-username='{username}']")).to_contain_text("已停用")
    refused = httpx.post(
        f"{api.base_url}/api/v1/auth/token",
        data={"username": username, "password": "unit-staff-2026"},
        timeout=10,
    )
    assert refused.status_code == 401
