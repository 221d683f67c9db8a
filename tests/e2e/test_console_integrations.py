"""The console's 接口与集成 page in Chromium: an admin creates an API key with two scopes, sees
it exactly once (and it works), finds only its prefix afterwards, and revokes it (it stops
working); a coordinator has no such page. Runs on the live demo county of tests/e2e/conftest.py."""

import re
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.api_client import ADMIN, COORDINATOR, ApiClient
from tests.e2e.server import LiveServer
from tests.e2e.test_console import (
    OpenPage,
    console_login,
    desk,  # noqa: F401  (test_console's fixture: desktop pages that fail on a script error)
    open_dialog,
    screenshot,
)

pytestmark = pytest.mark.e2e

KEY_PATTERN = re.compile(r"^tk_[A-Za-z0-9]+_[A-Za-z0-9_-]{40,}$")


def reports_status_with(server: LiveServer, key: str) -> int:
    """What GET /api/v1/reports answers to a request made with the key alone."""
    response = httpx.get(f"{server.url}/api/v1/reports", headers={"X-API-Key": key}, timeout=10)
    return response.status_code


def test_a_key_is_shown_once_works_and_stops_working_when_revoked(
    desk: OpenPage,  # noqa: F811  (the imported fixture, requested by name)
    api: ApiClient,
    server: LiveServer,
) -> None:
    name = f"12345 热线 {uuid.uuid4().hex[:6]}"
    page = desk()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    console_login(page, ADMIN)
    page.locator("nav.sidebar a", has_text="接口与集成").click()
    expect(page.get_by_role("heading", name="接口与集成")).to_be_visible()

    page.get_by_role("button", name="新建密钥").click()
    dialog = open_dialog(page)
    dialog.get_by_label("名称").fill(name)
    dialog.get_by_label("查看上报与任务").check()
    dialog.get_by_label("提交上报").check()
    dialog.get_by_role("button", name="创建", exact=True).click()

    once = open_dialog(page)
    expect(once).to_contain_text("只显示这一次")
    key = once.locator("code.secret").inner_text().strip()
    assert KEY_PATTERN.match(key), key
    once.get_by_role("button", name="复制", exact=True).click()
    expect(once.get_by_role("button", name="已复制", exact=True)).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key
    assert reports_status_with(server, key) == 200
    screenshot(page, "console-integrations-key-once")
    once.get_by_role("button", name="我已保存，关闭").click()
    expect(open_dialog(page)).to_have_count(0)

    keys = api.call("GET", "/api-keys", as_user=ADMIN)["items"]
    issued = next(k for k in keys if k["name"] == name)
    assert set(issued["scopes"]) == {"reports:read", "reports:write"}
    assert key.startswith(issued["key_prefix"])
    assert len(issued["key_prefix"]) < len(key)
    page.reload()
    row = page.locator(f"tr[data-key-id='{issued['id']}']")
    expect(row).to_contain_text(issued["key_prefix"])
    expect(row).to_contain_text("查看上报与任务")
    expect(row).to_contain_text("提交上报")
    expect(row).to_contain_text("全部区域")
    expect(row).to_contain_text("600 次/分钟")
    expect(row).to_contain_text("有效")
    secret_part = key.removeprefix(issued["key_prefix"])
    assert secret_part not in page.content()
    stored = page.evaluate("JSON.stringify([{ ...localStorage }, { ...sessionStorage }])")
    assert secret_part not in stored
    screenshot(page, "console-integrations")

    row.get_by_role("button", name="撤销", exact=True).click()
    confirm = open_dialog(page)
    expect(confirm).to_contain_text(name)
    confirm.get_by_role("button", name="撤销", exact=True).click()
    row = page.locator(f"tr[data-key-id='{issued['id']}']")
    expect(row).to_have_attribute("data-key-state", "revoked")
    expect(row).to_contain_text("已撤销")
    expect(row.get_by_role("button", name="撤销")).to_have_count(0)
    assert reports_status_with(server, key) == 401

    coordinator = desk()
    console_login(coordinator, COORDINATOR)
    expect(coordinator.locator("nav.sidebar a", has_text="接口与集成")).to_have_count(0)
    coordinator.goto("/console/#/integrations")
    expect(coordinator).to_have_url(re.compile(r"/console/#/queue$"))
