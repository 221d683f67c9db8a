"""The console's 接口与集成 page in Chromium: an admin creates an API key with two scopes, sees
it exactly once (and it works), finds only its prefix afterwards, and revokes it (it stops
working); a coordinator has no such page. Webhooks: created with event checkboxes, a test event
and a redelivery from the delivery log reach a receiver on loopback. Runs on the live demo
county of tests/e2e/conftest.py."""

import re
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.api_client import ADMIN, COORDINATOR, ApiClient
from tests.e2e.conftest import OpenPage
from tests.e2e.server import LiveServer
from tests.e2e.test_console import (
    console_login,
    open_dialog,
    screenshot,
)
from tests.waiting import eventually

pytestmark = pytest.mark.e2e

KEY_PATTERN = re.compile(r"^tk_[A-Za-z0-9]+_[A-Za-z0-9_-]{40,}$")
DELIVERY_DEADLINE_S = 20


def reports_status_with(server: LiveServer, key: str) -> int:
    """What GET /api/v1/reports answers to a request made with the key alone."""
    response = httpx.get(f"{server.url}/api/v1/reports", headers={"X-API-Key": key}, timeout=10)
    return response.status_code


def test_a_key_is_shown_once_works_and_stops_working_when_revoked(
    desk: OpenPage,
    api: ApiClient,
    server: LiveServer,
) -> None:
    # Markup in a name is shown as text (an <img> that ran would fail the test through `desk`).
    name = f"12345 热线 <img src=x onerror=alert(1)> {uuid.uuid4().hex[:6]}"
    page = desk()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    console_login(page, ADMIN)
    page.locator("nav.sidebar a", has_text="接口与集成").click()
    expect(page.get_by_role("heading", name="接口与集成")).to_be_visible()

    page.get_by_role("button", name="新建密钥").click()
    dialog = open_dialog(page)
    dialog.get_by_label("名称").fill(name)
    dialog.get_by_role("button", name="创建", exact=True).click()
    expect(dialog.locator(".field-error", has_text="请至少选择一项权限范围")).to_be_visible()
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
    expect(row).to_contain_text(name)
    expect(row.locator("img")).to_have_count(0)
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


class PingReceiver:
    """A webhook receiver on loopback that answers 200 and counts the deliveries it gets."""

    def __init__(self) -> None:
        self.delivery_ids: list[str] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._arrived:
                    receiver.delivery_ids.append(self.headers.get("X-Tantou-Delivery", ""))
                    receiver._arrived.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def wait_for(self, count: int) -> None:
        """Block until `count` deliveries arrived; AssertionError after the deadline."""
        deadline = time.monotonic() + DELIVERY_DEADLINE_S
        with self._arrived:
            while len(self.delivery_ids) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.delivery_ids)} of {count} deliveries arrived"
                self._arrived.wait(left)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[PingReceiver]:
    running = PingReceiver()
    yield running
    running.close()


def test_webhooks_are_set_up_with_event_checkboxes_and_tested_from_their_delivery_log(
    desk: OpenPage,
    api: ApiClient,
    server: LiveServer,
    receiver: PingReceiver,
) -> None:
    page = desk()
    console_login(page, ADMIN)
    page.goto("/console/#/integrations")
    hooks = page.locator("section.panel", has_text="事件推送（Webhook）")
    hooks.get_by_role("button", name="添加推送地址").click()
    dialog = open_dialog(page)
    dialog.get_by_label("接收地址").fill(receiver.url)
    dialog.get_by_label("新上报").check()
    dialog.get_by_label("案件办结").check()
    secret = dialog.get_by_label("签名密钥").input_value()
    assert len(secret) >= 16
    dialog.get_by_role("button", name="创建", exact=True).click()
    expect(open_dialog(page)).to_have_count(0)

    hook = next(
        w for w in api.call("GET", "/webhooks", as_user=ADMIN)["items"] if w["url"] == receiver.url
    )
    assert set(hook["events"]) == {"report.created", "case.closed"}
    row = page.locator(f"tr[data-webhook-id='{hook['id']}']")
    expect(row).to_contain_text("新上报")
    expect(row).to_contain_text("案件办结")
    expect(row).not_to_contain_text(secret)

    row.get_by_role("link", name="推送记录").click()
    expect(page.get_by_role("heading", name="推送记录")).to_be_visible()
    page.get_by_role("button", name="发送测试事件").click()
    receiver.wait_for(1)
    wait_until_delivered(api, hook["id"], count=1)
    page.get_by_role("button", name="刷新").click()
    first = page.locator("tr[data-delivery-id]")
    expect(first).to_have_count(1)
    expect(first).to_contain_text("测试事件")
    expect(first).to_contain_text("已送达")
    expect(first).to_contain_text("HTTP 200")
    screenshot(page, "console-webhook-deliveries")

    first.get_by_role("button", name="重新推送").click()
    receiver.wait_for(2)
    assert receiver.delivery_ids[0] != receiver.delivery_ids[1]
    wait_until_delivered(api, hook["id"], count=2)
    page.get_by_role("button", name="刷新").click()
    expect(page.locator("tr[data-delivery-id]", has_text="已送达")).to_have_count(2)


def wait_until_delivered(api: ApiClient, webhook_id: int, *, count: int) -> None:
    """Block until the log holds `count` delivered deliveries (the worker writes the outcome
    just after the receiver answered); AssertionError after the deadline."""

    def delivered() -> bool:
        log = api.call("GET", f"/webhooks/{webhook_id}/deliveries", as_user=ADMIN)["items"]
        return len([d for d in log if d["status"] == "delivered"]) >= count

    eventually(delivered, DELIVERY_DEADLINE_S, f"{count} deliveries logged as delivered")
