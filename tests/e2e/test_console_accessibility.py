"""axe-core on every console screen, each with real data on it (a report with two photos, a case
at each step, a task, a notice, a redemption, a webhook with a delivery), and on the report's
action dialogs open: no WCAG 2.x A/AA violation, contrast included.

One logged-in context per account serves the whole module; each screen is its own test."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.api_client import (
    ADMIN,
    COORDINATOR,
    DEMO_RIDER,
    UNIT,
    UNIT_CODE,
    ApiClient,
    Rider,
    new_phone,
)
from tests.e2e.conftest import DESKTOP, GRID_POINT, UI_TIMEOUT_MS
from tests.e2e.server import LiveServer
from tests.e2e.test_console import PHOTO, console_login, screenshot

pytestmark = pytest.mark.e2e

WEBHOOK_URL = "http://127.0.0.1:9/tantou-hook"  # never delivered to: only listed


@dataclass(frozen=True)
class ConsoleData:
    submitted: int  # two photos, a merge target nearby
    accepted: int
    in_progress: int  # its task accepted by the unit
    resolved: int
    task: int
    webhook: str
    unit: int  # the demo's property company, with its staff's logins


def _report(api: ApiClient, description: str, photos: int = 1) -> int:
    content = PHOTO.read_bytes()
    report = api.call(
        "POST",
        "/reports",
        as_user=DEMO_RIDER,
        data={
            "category": "0102",
            "description": description,
            "lat": str(GRID_POINT["latitude"]),
            "lon": str(GRID_POINT["longitude"]),
            "client_id": str(uuid.uuid4()),
        },
        files=[("photo", (f"{i}.jpg", content, "image/jpeg")) for i in range(photos)],
    )
    return int(report["id"])


def _dispatched(api: ApiClient, report_id: int) -> int:
    api.call("POST", f"/reports/{report_id}/accept", as_user=COORDINATOR, json={})
    task = api.call(
        "POST", f"/reports/{report_id}/tasks", as_user=COORDINATOR, json={"unit_code": UNIT_CODE}
    )
    api.call("POST", f"/tasks/{task['id']}/accept", as_user=UNIT)
    return int(task["id"])


@pytest.fixture(scope="module")
def data(api: ApiClient) -> ConsoleData:
    accepted = _report(api, "小区门口垃圾堆放，已有异味")
    api.call("POST", f"/reports/{accepted}/accept", as_user=COORDINATOR, json={})
    submitted = _report(api, "小区门口垃圾堆放两天无人清理", photos=2)
    in_progress = _report(api, "垃圾桶满溢")
    task = _dispatched(api, in_progress)
    resolved = _report(api, "绿化带内建筑垃圾")
    done = _dispatched(api, resolved)
    api.call(
        "POST",
        f"/tasks/{done}/complete",
        as_user=UNIT,
        data={"note": "已清运"},
        files=[("photo", ("after.jpg", PHOTO.read_bytes(), "image/jpeg"))],
    )
    _phone_call_looked_up(api)
    api.register_rider(new_phone(), name="王骑手")
    rider = api.active_rider()
    _redeem(api, rider)
    api.call(
        "POST",
        "/notices",
        as_user=COORDINATOR,
        json={
            "title": "电动车安全充电提示",
            "body": "请勿在楼道、门厅充电。",
            "area_code": "341126100",
        },
    )
    hook = api.call(
        "POST",
        "/webhooks",
        as_user=ADMIN,
        json={"url": WEBHOOK_URL, "events": ["report.created"], "secret": "s" * 24},
    )
    [unit] = [
        u["id"]
        for u in api.call("GET", "/units", as_user=COORDINATOR)["items"]
        if u["code"] == UNIT_CODE
    ]
    return ConsoleData(submitted, accepted, in_progress, resolved, task, str(hook["id"]), unit)


def _phone_call_looked_up(api: ApiClient) -> None:
    """A report taken on the phone whose caller's whole number an admin has seen (audited)."""
    report = api.call(
        "POST",
        "/reports",
        as_user=COORDINATOR,
        data={
            "category": "0102",
            "description": "市民来电：楼下垃圾无人清运",
            "lat": str(GRID_POINT["latitude"]),
            "lon": str(GRID_POINT["longitude"]),
            "channel": "phone",
            "caller_name": "刘女士",
            "caller_phone": "13912345678",
            "client_id": str(uuid.uuid4()),
        },
    )
    api.call("GET", f"/reports/{report['id']}", as_user=ADMIN)


def _redeem(api: ApiClient, rider: Rider) -> None:
    """A redemption to review: the rider is given points and redeems the cheapest reward."""
    api.call(
        "POST",
        "/points/adjustments",
        as_user=COORDINATOR,
        json={"rider_id": rider.id, "amount": 500, "reason": "测试积分"},
    )
    rewards: list[dict[str, Any]] = api.as_rider(rider, "GET", "/rewards")["items"]
    cheapest = min(rewards, key=lambda reward: int(reward["cost"]))
    api.as_rider(rider, "POST", "/redemptions", json={"reward_id": cheapest["id"]})


@pytest.fixture(scope="module")
def logged_in(browser: Browser, server: LiveServer) -> Iterator[dict[str, Page]]:
    """One console page per account (coordinator, admin, unit), logged in once for the module;
    fails the module's last test on any uncaught script error."""
    contexts: list[BrowserContext] = []
    pages: dict[str, Page] = {}
    errors: list[str] = []
    for account in (COORDINATOR, ADMIN, UNIT):
        context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="zh-CN")
        context.set_default_timeout(UI_TIMEOUT_MS)
        contexts.append(context)
        pages[account] = context.new_page()
        pages[account].on("pageerror", lambda error: errors.append(str(error)))
        console_login(pages[account], account)
    yield pages
    for context in contexts:
        context.close()
    assert not errors, f"uncaught script errors: {errors}"


def _open(page: Page, path: str, ready: str) -> None:
    """Go to a console route and wait for its data (`ready`) with nothing still loading."""
    url = f"/console/#{path}"
    if page.url.endswith(url):
        page.reload()  # going to the same hash would not render the view again
    else:
        page.goto(url)
    expect(page.locator(ready).first).to_be_visible()
    expect(page.locator(".loading")).to_have_count(0)


# (screen, account, route, what shows once its data is in); {name} fields come from `data`.
SCREENS = [
    ("queue", COORDINATOR, "/queue", "tr[data-report-id='{submitted}']"),
    ("unassigned", COORDINATOR, "/unassigned", ".data-table"),
    ("map", COORDINATOR, "/map", "path[data-grid-code]"),
    ("report", COORDINATOR, "/reports/{submitted}", ".photo-strip img >> nth=1"),
    ("report-resolved", COORDINATOR, "/reports/{resolved}", ".photo-strip img"),
    ("tasks", COORDINATOR, "/tasks", "tr[data-task-id='{task}']"),
    ("riders", COORDINATOR, "/riders", "tr[data-rider-id]"),
    ("stats", COORDINATOR, "/stats", ".panel"),
    ("notices", COORDINATOR, "/notices", "text=电动车安全充电提示"),
    ("redemptions", COORDINATOR, "/redemptions", "tr[data-redemption-id]"),
    ("notifications", COORDINATOR, "/notifications", ".page-header h1"),
    ("units", COORDINATOR, "/units", ".data-table tbody tr:not(.empty-row)"),
    ("unit", COORDINATOR, "/units/{unit}", "tr[data-username]"),
    ("case-sheet", COORDINATOR, "/reports/{resolved}/sheet", ".case-sheet tr[data-task-id]"),
    ("categories", ADMIN, "/categories", ".data-table tbody tr:not(.empty-row)"),
    ("rewards", ADMIN, "/rewards", ".data-table tbody tr:not(.empty-row)"),
    ("presets", ADMIN, "/presets", ".panel"),
    ("integrations", ADMIN, "/integrations", "tr[data-webhook-id='{webhook}']"),
    ("webhook-deliveries", ADMIN, "/integrations/webhooks/{webhook}", ".data-table"),
    ("privacy-audit", ADMIN, "/privacy-audit", "tr[data-audit-id]"),
    ("my-tasks", UNIT, "/my-tasks", "tr[data-task-id='{task}']"),
    ("my-task", UNIT, "/my-tasks/{task}", ".page-header h1"),
]

REPORT = ".page-header h1 .badge[data-status]"
ADD = ".page-header .btn-primary"
# (dialog, account, route, what shows once its data is in, the button that opens the dialog).
DIALOGS = [
    ("accept", COORDINATOR, "/reports/{submitted}", REPORT, "[data-command='accept']"),
    ("reject", COORDINATOR, "/reports/{submitted}", REPORT, "[data-command='reject']"),
    ("merge", COORDINATOR, "/reports/{submitted}", REPORT, "[data-command='merge']"),
    ("dispatch", COORDINATOR, "/reports/{accepted}", REPORT, "[data-command='dispatch']"),
    ("approve", COORDINATOR, "/reports/{resolved}", REPORT, "[data-command='approve']"),
    ("rework", COORDINATOR, "/reports/{resolved}", REPORT, "[data-command='rework']"),
    ("rider-reject", COORDINATOR, "/riders", "tr[data-rider-id]", "[data-command='reject']"),
    (
        "redemption-cancel",
        COORDINATOR,
        "/redemptions",
        "tr[data-redemption-id]",
        "[data-command='cancel']",
    ),
    ("notice-new", COORDINATOR, "/notices", "text=电动车安全充电提示", ADD),
    ("unit-new", ADMIN, "/units", ".data-table tbody tr:not(.empty-row)", ADD),
    ("unit-edit", COORDINATOR, "/units/{unit}", "tr[data-username]", "text=编辑"),
    ("unit-account-new", COORDINATOR, "/units/{unit}", "tr[data-username]", "text=添加账号"),
    ("category-new", ADMIN, "/categories", ".data-table tbody tr:not(.empty-row)", ADD),
    ("reward-new", ADMIN, "/rewards", ".data-table tbody tr:not(.empty-row)", ADD),
    ("preset-new", ADMIN, "/presets", ".panel", ".panel .btn-primary"),
    ("webhook-new", ADMIN, "/integrations", "tr[data-webhook-id]", "text=添加推送地址"),
    ("api-key-new", ADMIN, "/integrations", "tr[data-webhook-id]", "text=新建密钥"),
    (
        "task-complete",
        UNIT,
        "/my-tasks/{task}",
        ".page-header h1",
        "[data-command='task_complete']",
    ),
    ("task-return", UNIT, "/my-tasks/{task}", ".page-header h1", "[data-command='task_return']"),
]


def test_the_login_page_is_accessible(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto("/console/")
        expect(page.get_by_label("用户名")).to_be_visible()
        assert_accessible(page, "console-login")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("screen", "account", "route", "ready"), SCREENS, ids=[s[0] for s in SCREENS]
)
def test_each_screen_is_accessible(
    logged_in: dict[str, Page], data: ConsoleData, screen: str, account: str, route: str, ready: str
) -> None:
    page = logged_in[account]
    fields = vars(data)
    _open(page, route.format(**fields), ready.format(**fields))
    screenshot(page, f"a11y-console-{screen}")
    assert_accessible(page, f"console-{screen}")


@pytest.mark.parametrize(
    ("dialog", "account", "route", "ready", "opener"), DIALOGS, ids=[d[0] for d in DIALOGS]
)
def test_each_dialog_is_accessible(
    logged_in: dict[str, Page],
    data: ConsoleData,
    dialog: str,
    account: str,
    route: str,
    ready: str,
    opener: str,
) -> None:
    page = logged_in[account]
    _open(page, route.format(**vars(data)), ready)
    page.locator(opener).first.click()
    opened = page.locator("dialog[open]")
    expect(opened).to_be_visible()
    expect(opened.locator(".loading")).to_have_count(0)
    screenshot(page, f"a11y-console-dialog-{dialog}")
    try:
        assert_accessible(page, f"console-dialog-{dialog}")
    finally:
        page.keyboard.press("Escape")
    expect(opened).to_have_count(0)
