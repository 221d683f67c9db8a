"""The console's inbox: each kind of news arrives live with its menu count, to the coordinator
of its area only; urgent reports sound and, in a background tab, show a desktop notification."""

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import update
from sqlmodel import Session, col

from app.accounts.models import Role
from app.accounts.service import create_account
from app.cases.models import Task
from app.cases.overdue import run_overdue_check
from app.core.clock import utcnow
from app.core.db import writer_engine
from app.demo.seed import DEMO_PASSWORD
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.e2e.api_client import COORDINATOR, RIDER_PASSWORD, ApiClient, new_phone
from tests.e2e.conftest import DESKTOP, UI_TIMEOUT_MS, OpenPage
from tests.e2e.server import LiveServer
from tests.e2e.test_console import (
    GARBAGE,
    LIVE_ALERT_TIMEOUT_MS,
    PHOTO,
    ROAD_COLLAPSE,
    UNIT_ACCOUNT,
    UNIT_CODE,
    console_login,
    screenshot,
    submit_report,
)
from tests.waiting import eventually

pytestmark = pytest.mark.e2e

OTHER_TOWN = "341126101"  # 临淮关镇
OTHER_TOWN_COMMUNITY = "341126101001"  # 淮河社区
# Every toast the page shows, kept after it fades.
RECORD_TOASTS = """
window.__toasts = [];
new MutationObserver((changes) => {
  for (const change of changes)
    for (const node of change.addedNodes)
      if (node.classList?.contains("toast")) window.__toasts.push(node.textContent);
}).observe(document, { childList: true, subtree: true });
"""
# Desktop notifications and tones, recorded around the real APIs; and the tab's visibility,
# which headless Chromium never changes (neither a page in front nor a minimised window hides
# a page), set by the test.
RECORD_ALERTS = """
window.__desktop = [];
window.__asked = 0;
window.__tones = 0;
const RealNotification = window.Notification;
window.Notification = class extends RealNotification {
  constructor(title, options) {
    super(title, options);
    window.__desktop.push({ title, body: options?.body ?? "", hidden: document.hidden });
  }
  static requestPermission() {
    window.__asked += 1;
    return RealNotification.requestPermission();
  }
};
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__tones += 1;
  return start.apply(this, args);
};
let hidden = false;
Object.defineProperty(Document.prototype, "hidden", { get: () => hidden });
Object.defineProperty(Document.prototype, "visibilityState", {
  get: () => (hidden ? "hidden" : "visible"),
});
window.__setHidden = (value) => {
  hidden = value;
  document.dispatchEvent(new Event("visibilitychange"));
};
"""


def badge(page: Page, path: str) -> int:
    """The menu entry's count once the inbox has been read (0 while hidden)."""
    count = page.locator(f"nav.sidebar a[data-path='{path}'] .nav-count")
    expect(count).to_have_text(re.compile(r"^\d+$"))
    return int(count.text_content() or "")


def expect_badge(page: Page, path: str, value: int) -> None:
    count = page.locator(f"nav.sidebar a[data-path='{path}'] .nav-count")
    expect(count).to_have_text(str(value), timeout=LIVE_ALERT_TIMEOUT_MS)


def server_counts(api: ApiClient, username: str = COORDINATOR) -> dict[str, int]:
    counts: dict[str, int] = api.call("GET", "/me/inbox", as_user=username)
    return counts


def tasks_total(counts: dict[str, int]) -> int:
    return counts["verification"] + counts["returned_tasks"] + counts["overdue_tasks"]


def toasts(page: Page) -> list[str]:
    shown: list[str] = page.evaluate("window.__toasts")
    return shown


def expect_toast(page: Page, text: str) -> None:
    expect(page.locator(".toast", has_text=text)).to_be_visible(timeout=LIVE_ALERT_TIMEOUT_MS)


def accepted_and_dispatched(api: ApiClient, description: str) -> tuple[int, int]:
    """A new report, accepted and dispatched to the demo unit: its id and its task's."""
    report = submit_report(api, category=GARBAGE, description=description)
    api.call("POST", f"/reports/{report['id']}/accept", as_user=COORDINATOR, json={})
    task = api.call(
        "POST", f"/reports/{report['id']}/tasks", as_user=COORDINATOR, json={"unit_code": UNIT_CODE}
    )
    return int(report["id"]), int(task["id"])


@pytest.fixture
def other_town_coordinator(server: LiveServer) -> str:
    """A coordinator of the other town, made for the test."""
    username = f"linhuai-{new_phone()}"
    with Session(writer_engine(server.runtime.engine)) as session:
        create_account(
            session,
            role=Role.COORDINATOR,
            username=username,
            password=DEMO_PASSWORD,
            area_codes=[OTHER_TOWN],
        )
        session.commit()
    return username


def test_each_kind_of_news_arrives_live_with_its_count_to_its_town_only(
    desk: OpenPage, api: ApiClient, server: LiveServer, other_town_coordinator: str
) -> None:
    page = desk()
    page.add_init_script(RECORD_TOASTS)
    console_login(page, COORDINATOR)
    expect(page.locator(".live")).to_have_attribute("data-stream-state", "open")
    other = desk()
    other.add_init_script(RECORD_TOASTS)
    console_login(other, other_town_coordinator)
    expect(other.locator(".live")).to_have_attribute("data-stream-state", "open")
    other_counts = [badge(other, path) for path in ("/queue", "/tasks", "/riders")]
    queue, tasks, riders = (badge(page, path) for path in ("/queue", "/tasks", "/riders"))

    # A new ordinary report.
    report = submit_report(api, category=GARBAGE, description="垃圾桶满溢")
    expect_badge(page, "/queue", queue + 1)
    expect_toast(page, f"新上报：暴露垃圾 #{report['id']}")
    screenshot(page, "console-inbox-new-report")

    # A case that reaches 核查: its unit completes the task.
    to_verify, task_id = accepted_and_dispatched(api, "楼道口垃圾堆积")
    api.call("POST", f"/tasks/{task_id}/accept", as_user=UNIT_ACCOUNT)
    with PHOTO.open("rb") as photo:
        api.call(
            "POST",
            f"/tasks/{task_id}/complete",
            as_user=UNIT_ACCOUNT,
            data={"note": "已清运"},
            files={"photo": (PHOTO.name, photo, "image/jpeg")},
        )
    expect_badge(page, "/tasks", tasks + 1)
    expect_toast(page, f"待核查：处置已完成 #{to_verify}")

    # A task its unit hands back.
    returned, task_id = accepted_and_dispatched(api, "绿化带内垃圾")
    api.call("POST", f"/tasks/{task_id}/return", as_user=UNIT_ACCOUNT, json={"reason": "非本单位"})
    expect_badge(page, "/tasks", tasks + 2)
    expect_toast(page, f"任务被退回：东华社区物业服务中心 #{returned}")

    # A task past its deadline, found by the overdue job.
    overdue, task_id = accepted_and_dispatched(api, "小区门口垃圾")
    with Session(writer_engine(server.runtime.engine)) as session:
        session.execute(
            update(Task).where(col(Task.id) == task_id).values(due_at=utcnow() - timedelta(hours=1))
        )
        session.commit()
    run_overdue_check(server.runtime.engine, server.runtime.settings, utcnow())
    expect_toast(page, f"任务超期：东华社区物业服务中心 #{overdue}")
    # The job marks whatever else of earlier tests has fallen due as well: count as the server.
    counts = server_counts(api)
    assert tasks_total(counts) >= tasks + 3
    expect_badge(page, "/tasks", tasks_total(counts))

    # A rider's registration.
    phone = new_phone()
    rider_id = api.register_rider(phone, name="孙骑手")
    expect_badge(page, "/riders", riders + 1)
    expect_toast(page, "骑手报到待审核：孙骑手（东华社区）")
    # Every report above was accepted through the API: the queue counts only the first.
    expect_badge(page, "/queue", queue + 1)
    screenshot(page, "console-inbox-counts")

    # Dealt with here, a count goes down.
    page.goto("/console/#/riders")
    page.locator(f"tr[data-rider-id='{rider_id}']").get_by_role("button", name="通过").click()
    expect_badge(page, "/riders", riders)

    # Each is in the notifications, for whoever was away.
    page.goto("/console/#/notifications")
    for title in (
        f"新上报：暴露垃圾 #{report['id']}",
        f"待核查：处置已完成 #{to_verify}",
        f"任务被退回：东华社区物业服务中心 #{returned}",
        f"任务超期：东华社区物业服务中心 #{overdue}",
        "骑手报到待审核：孙骑手（东华社区）",
    ):
        expect(page.locator(".notification", has_text=title).first).to_be_visible()
    screenshot(page, "console-inbox-notifications")

    # The other town's coordinator heard of none of it: a registration in their town, made
    # last, is the first and only news that reached them (the feeds hand news out in order).
    register_in(api, OTHER_TOWN_COMMUNITY, "钱骑手")
    expect_toast(other, "骑手报到待审核：钱骑手（淮河社区）")
    assert toasts(other) == ["骑手报到待审核：钱骑手（淮河社区）"]
    assert [badge(other, path) for path in ("/queue", "/tasks", "/riders")] == [
        other_counts[0],
        other_counts[1],
        other_counts[2] + 1,
    ]
    other.goto("/console/#/notifications")
    expect(other.locator(".notification")).to_have_count(1)


def register_in(api: ApiClient, community: str, name: str) -> int:
    """A rider's 报到备案 in `community`, straight through the API."""
    response = httpx.post(
        f"{api.base_url}/api/v1/riders",
        json={
            "phone": new_phone(),
            "name": name,
            "password": RIDER_PASSWORD,
            "platform": "meituan",
            "party_member": False,
            "community_code": community,
            "privacy_consent_version": CURRENT_NOTICE.version,
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
def alerted_context(browser: Browser, server: LiveServer) -> Iterator[BrowserContext]:
    """A desktop context whose desktop notifications, tones and visibility are recorded."""
    context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.add_init_script(RECORD_ALERTS)
    yield context
    context.close()


def test_an_urgent_report_sounds_and_shows_a_desktop_notification_while_the_tab_is_hidden(
    alerted_context: BrowserContext, api: ApiClient
) -> None:
    page = alerted_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    console_login(page, COORDINATOR)
    expect(page.locator(".live")).to_have_attribute("data-stream-state", "open")
    allow = page.get_by_role("button", name="允许桌面通知")
    expect(allow).to_be_enabled()
    # Nothing is asked until the coordinator clicks.
    assert page.evaluate("[window.__asked, Notification.permission]") == [0, "default"]
    alerted_context.grant_permissions(["notifications"])
    allow.click()
    expect(page.locator(".desktop-permission")).to_have_text("桌面通知已开启")
    assert page.evaluate("window.__asked") == 1
    screenshot(page, "console-inbox-desktop-allowed")

    # In front, an urgent report raises the banner and sounds, but no desktop notification.
    seen = submit_report(api, category=ROAD_COLLAPSE, description="路面塌陷", urgent=True)
    expect(page.locator(f".urgent-alert[data-report-id='{seen['id']}']")).to_be_visible(
        timeout=LIVE_ALERT_TIMEOUT_MS
    )
    eventually(lambda: page.evaluate("window.__tones") >= 2, what="the urgent tone played")

    page.evaluate("window.__setHidden(true)")
    hidden = submit_report(api, category=ROAD_COLLAPSE, description="井盖缺失", urgent=True)
    eventually(
        lambda: page.evaluate("window.__desktop.length") >= 1,
        timeout_s=LIVE_ALERT_TIMEOUT_MS / 1000,
        what="a desktop notification",
    )
    shown = page.evaluate("window.__desktop")
    assert [(n["title"], n["hidden"]) for n in shown] == [(f"紧急上报 #{hidden['id']}", True)]
    assert "路面塌陷" in shown[0]["body"]  # the category's name, then grid and time
    assert page.evaluate("window.__tones") >= 4
    assert not errors, errors
