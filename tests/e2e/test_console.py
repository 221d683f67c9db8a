"""The coordinator and unit console in Chromium: an urgent report arriving live, a case from
triage to closing, refusals without a reason, merges, rework, overdue tasks, rider review,
figures, server text shown as text, the role menus, the tablet layout and the language switch.
Runs on the live demo county of tests/e2e/conftest.py."""

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect
from sqlalchemy import update
from sqlmodel import Session, col

from app.cases.models import Task
from app.core.clock import utcnow
from app.core.db import writer_engine
from app.demo.seed import DEMO_PASSWORD
from tests.e2e.api_client import COORDINATOR, DEMO_RIDER, TOWN_COMMUNITY, ApiClient, new_phone
from tests.e2e.conftest import GRID_POINT, SCREENSHOTS, OpenPage
from tests.e2e.server import LiveServer
from tests.photos.factories import FIXTURE_PHOTOS_DIR

pytestmark = pytest.mark.e2e

TABLET: ViewportSize = {"width": 820, "height": 1180}  # an iPad Air in portrait
PHOTO = FIXTURE_PHOTOS_DIR / "jpg" / "mobile" / "jolla.jpg"
UNIT_ACCOUNT = "unit"  # the demo's property company of 东华社区
UNIT_CODE = f"{TOWN_COMMUNITY}-property"
# The stream polls the database twice a second; an alert must show well within this.
LIVE_ALERT_TIMEOUT_MS = 2_000
# Photos are redacted after the report is answered; the open page redraws them once they are.
REDACTED_TIMEOUT_MS = 15_000
ROAD_COLLAPSE = "0401"  # 路面塌陷, an emergency category
GARBAGE = "0102"  # 暴露垃圾
UNCIVIL = "0603"  # 不文明行为


def console_login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the console's login page and wait for the menu."""
    page.goto("/console/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("nav.sidebar")).to_be_visible()


def submit_report(
    api: ApiClient, *, category: str, description: str, urgent: bool = False
) -> dict[str, Any]:
    """A report from the demo rider, with a photo, in the coordinator's grid."""
    with PHOTO.open("rb") as photo:
        report: dict[str, Any] = api.call(
            "POST",
            "/reports",
            as_user=DEMO_RIDER,
            data={
                "category": category,
                "description": description,
                "lat": str(GRID_POINT["latitude"]),
                "lon": str(GRID_POINT["longitude"]),
                "urgent": "true" if urgent else "false",
                "client_id": str(uuid.uuid4()),
            },
            files={"photo": (PHOTO.name, photo, "image/jpeg")},
        )
    return report


def screenshot(page: Page, name: str) -> None:
    """Save the whole page as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def report_status(api: ApiClient, report_id: int) -> str:
    """The report's status as the server holds it."""
    return str(api.call("GET", f"/reports/{report_id}", as_user=COORDINATOR)["status"])


def status_badge(page: Page) -> Locator:
    """The status badge in the page heading (a report's or a task's)."""
    return page.locator(".page-header h1 .badge[data-status]")


def open_dialog(page: Page) -> Locator:
    return page.locator("dialog[open]")


def run_command(page: Page, button: str, fields: dict[str, str] | None = None) -> None:
    """Click a command, fill its dialog (by field label) and submit it with the same name."""
    page.get_by_role("button", name=button, exact=True).click()
    dialog = open_dialog(page)
    for label, value in (fields or {}).items():
        dialog.get_by_label(label).fill(value)
    dialog.get_by_role("button", name=button, exact=True).click()
    expect(dialog).to_have_count(0)


def test_urgent_report_arrives_live_and_its_case_runs_from_triage_to_closed(
    desk: OpenPage, api: ApiClient
) -> None:
    coordinator = desk()
    console_login(coordinator, COORDINATOR)
    expect(coordinator.locator(".live")).to_have_attribute("data-stream-state", "open")

    report = submit_report(
        api, category=ROAD_COLLAPSE, description="路面塌陷约一米见方，车辆通过危险", urgent=True
    )
    report_id = str(report["id"])

    banner = coordinator.locator(f".urgent-alert[data-report-id='{report_id}']")
    expect(banner).to_be_visible(timeout=LIVE_ALERT_TIMEOUT_MS)
    expect(banner).to_contain_text(f"紧急上报 #{report_id}")
    top_row = coordinator.locator("table.data-table tbody tr").first
    expect(top_row).to_have_attribute("data-report-id", report_id, timeout=LIVE_ALERT_TIMEOUT_MS)
    expect(top_row).to_contain_text("紧急")
    expect(top_row).to_contain_text("待受理")
    screenshot(coordinator, "console-queue-live-urgent")

    banner.get_by_role("button", name="立即查看").click()
    expect(status_badge(coordinator)).to_have_text("待受理")
    expect(coordinator.locator(".photo-strip .photo-waiting")).to_have_count(
        0, timeout=REDACTED_TIMEOUT_MS
    )
    thumbnail = coordinator.locator(".photo-strip img").first
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    expect(coordinator.get_by_text("凤凰熙岸小区网格（341126100001001）")).to_be_visible()
    screenshot(coordinator, "console-report-submitted")

    run_command(coordinator, "受理", {"备注（可选）": "已核实，立案处理"})
    expect(status_badge(coordinator)).to_have_text("已受理")

    coordinator.get_by_role("button", name="派遣处置单位", exact=True).click()
    dialog = open_dialog(coordinator)
    dialog.get_by_label("处置单位").select_option(UNIT_CODE)
    dialog.get_by_label("派遣说明").fill("请设置围挡并尽快修复")
    screenshot(coordinator, "console-dispatch-dialog")
    dialog.get_by_role("button", name="派遣处置单位", exact=True).click()
    expect(status_badge(coordinator)).to_have_text("已派单")
    task_row = coordinator.locator(".detail-side table tbody tr").first
    expect(task_row).to_contain_text("待接单")
    tasks = api.call("GET", "/tasks", as_user=COORDINATOR, params={"report_id": report_id})
    task_id = str(tasks["items"][0]["id"])

    unit = desk()
    console_login(unit, UNIT_ACCOUNT)
    task_in_list = unit.locator(f"tr[data-task-id='{task_id}']")
    expect(task_in_list).to_contain_text("待接单")
    screenshot(unit, "console-unit-my-tasks")
    task_in_list.click()
    expect(status_badge(unit)).to_have_text("待接单")
    expect(unit.get_by_text("请设置围挡并尽快修复")).to_be_visible()
    run_command(unit, "接单")
    expect(status_badge(unit)).to_have_text("处置中")

    unit.get_by_role("button", name="提交办结", exact=True).click()
    dialog = open_dialog(unit)
    dialog.get_by_label("处置结果说明").fill("已设置围挡，路面已回填修复")
    dialog.get_by_label("处置后照片").set_input_files(PHOTO)
    screenshot(unit, "console-unit-complete-dialog")
    dialog.get_by_role("button", name="提交办结", exact=True).click()
    expect(status_badge(unit)).to_have_text("已完成")
    screenshot(unit, "console-unit-task-completed")

    coordinator.reload()
    expect(status_badge(coordinator)).to_have_text("待核查")
    after_photos = coordinator.locator(".panel", has_text="处置后照片").locator("img")
    expect(after_photos).to_have_count(1, timeout=REDACTED_TIMEOUT_MS)
    run_command(coordinator, "核查通过")
    expect(status_badge(coordinator)).to_have_text("已办结")
    timeline = coordinator.locator(".timeline")
    expect(timeline).to_contain_text("待核查 → 已办结")
    expect(timeline).to_contain_text("已设置围挡，路面已回填修复")
    screenshot(coordinator, "console-report-closed")
    assert report_status(api, report["id"]) == "closed"


def test_rejection_is_refused_without_a_reason_and_sent_with_one(
    desk: OpenPage, api: ApiClient
) -> None:
    report = submit_report(api, category=UNCIVIL, description="绿化带里有人乱扔饮料瓶")
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{report['id']}")
    expect(status_badge(page)).to_have_text("待受理")

    page.get_by_role("button", name="驳回", exact=True).click()
    dialog = open_dialog(page)
    dialog.get_by_role("button", name="驳回", exact=True).click()
    # The dialog also offers the admins' presets (常用语); only the reason is required.
    expect(dialog.locator(".field-error:not(:empty)")).to_have_text("请填写驳回理由")
    expect(dialog).to_be_visible()
    screenshot(page, "console-reject-needs-reason")
    assert report_status(api, report["id"]) == "submitted"

    dialog.get_by_label("驳回理由").fill("照片与描述不符，请重新拍摄")
    dialog.get_by_role("button", name="驳回", exact=True).click()
    expect(status_badge(page)).to_have_text("已驳回")
    reason = page.locator(".facts dd", has_text="照片与描述不符")
    expect(reason).to_have_text("照片与描述不符，请重新拍摄")
    assert report_status(api, report["id"]) == "rejected"


def test_a_duplicate_is_merged_into_the_open_case_nearby(desk: OpenPage, api: ApiClient) -> None:
    case = submit_report(api, category=GARBAGE, description="东门垃圾桶满溢")
    api.call("POST", f"/reports/{case['id']}/accept", as_user=COORDINATOR, json={})
    duplicate = submit_report(api, category=GARBAGE, description="东门垃圾还没人清理")
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{duplicate['id']}")
    expect(page.locator(f".nearby li[data-report-id='{case['id']}']")).to_contain_text("已受理")

    page.get_by_role("button", name="合并到已有案件", exact=True).click()
    dialog = open_dialog(page)
    dialog.get_by_label("合并到案件").select_option(str(case["id"]))
    dialog.get_by_role("button", name="合并到已有案件", exact=True).click()
    expect(status_badge(page)).to_have_text("已合并")
    merged_into = page.locator(".facts").get_by_role("link", name=f"#{case['id']}", exact=True)
    expect(merged_into).to_be_visible()


def test_server_text_with_markup_is_shown_as_text(desk: OpenPage, api: ApiClient) -> None:
    description = '<img src=x onerror="window.__xss=1"> 有人乱扔垃圾 <b>粗体</b>'
    report = submit_report(api, category=UNCIVIL, description=description)
    page = desk()
    console_login(page, COORDINATOR)

    row = page.locator(f"tr[data-report-id='{report['id']}']")
    expect(row).to_contain_text(description)
    page.goto(f"/console/#/reports/{report['id']}")
    expect(page.locator("[data-field=description]")).to_have_text(description)
    screenshot(page, "console-markup-as-text")
    expect(page.locator("img[src='x']")).to_have_count(0)
    expect(page.locator("[data-field=description] b")).to_have_count(0)
    assert page.evaluate("window.__xss") is None


def test_language_switch_changes_every_label_and_is_remembered(
    desk: OpenPage, api: ApiClient
) -> None:
    report = submit_report(api, category=GARBAGE, description="垃圾堆放")
    page = desk()
    page.goto("/console/")
    screenshot(page, "console-login")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    page.get_by_label("Username").fill(COORDINATOR)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", name="Report queue")).to_be_visible()
    row = page.locator(f"tr[data-report-id='{report['id']}']")
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text("Exposed garbage")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "console-queue-en")

    page.reload()
    expect(page.get_by_role("link", name="Report queue")).to_be_visible()
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_role("heading", name="上报队列")).to_be_visible()
    expect(page.locator(f"tr[data-report-id='{report['id']}']")).to_contain_text("待受理")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_each_role_gets_its_own_menu(desk: OpenPage) -> None:
    unit = desk()
    console_login(unit, UNIT_ACCOUNT)
    expect(unit.locator("nav.sidebar .nav-label")).to_have_text(["我的任务", "消息通知"])
    unit.goto("/console/#/queue")
    expect(unit).to_have_url(re.compile(r"/console/#/my-tasks$"))

    admin = desk()
    console_login(admin, "admin")
    menu = admin.locator("nav.sidebar a")
    expect(menu.filter(has_text="事件分类")).to_be_visible()
    expect(menu.filter(has_text="积分奖品")).to_be_visible()
    coordinator = desk()
    console_login(coordinator, COORDINATOR)
    expect(coordinator.locator("nav.sidebar a").filter(has_text="事件分类")).to_have_count(0)


def test_rider_registrations_are_reviewed_with_masked_phones(
    desk: OpenPage, api: ApiClient
) -> None:
    approved_phone, rejected_phone = new_phone(), new_phone()
    approved = api.register_rider(approved_phone, name="王骑手")
    rejected = api.register_rider(rejected_phone, name="赵骑手")
    page = desk()
    console_login(page, COORDINATOR)
    page.goto("/console/#/riders")

    approved_row = page.locator(f"tr[data-rider-id='{approved}']")
    expect(approved_row).to_contain_text(f"{approved_phone[:3]}****{approved_phone[-4:]}")
    expect(approved_row).not_to_contain_text(approved_phone)
    screenshot(page, "console-riders")
    approved_row.get_by_role("button", name="通过").click()
    expect(approved_row).to_have_count(0)

    page.locator(f"tr[data-rider-id='{rejected}']").get_by_role("button", name="驳回").click()
    dialog = open_dialog(page)
    dialog.get_by_role("button", name="驳回", exact=True).click()
    expect(dialog.locator(".field-error")).to_have_text("请填写退回理由")
    dialog.get_by_label("退回理由").fill("所填社区与工作区域不符")
    dialog.get_by_role("button", name="驳回", exact=True).click()
    expect(page.locator(f"tr[data-rider-id='{rejected}']")).to_have_count(0)

    statuses = {
        rider["id"]: rider["status"]
        for status in ("active", "rejected")
        for rider in api.call("GET", "/riders", as_user=COORDINATOR, params={"status": status})[
            "items"
        ]
    }
    assert statuses[approved] == "active"
    assert statuses[rejected] == "rejected"


def test_figures_show_the_rates_of_the_area(desk: OpenPage) -> None:
    page = desk()
    console_login(page, COORDINATOR)
    page.goto("/console/#/stats")
    titles = ("上报总数", "结案率", "按期结案率", "返工率", "结案用时（中位数）", "当前超期任务")
    for title in titles:
        expect(page.locator(".kpi-title").get_by_text(title, exact=True)).to_be_visible()
    expect(page.locator(".bar-row", has_text="待受理")).to_be_visible()
    screenshot(page, "console-stats")


def test_both_languages_name_every_text(desk: OpenPage) -> None:
    page = desk()
    page.goto("/console/")
    missing = page.evaluate(
        """async () => {
            const zh = (await import('/console/js/i18n/zh-CN.js')).default;
            const en = (await import('/console/js/i18n/en.js')).default;
            return {
                en: Object.keys(zh).filter((key) => !(key in en)),
                zh: Object.keys(en).filter((key) => !(key in zh)),
            };
        }"""
    )
    assert missing == {"en": [], "zh": []}


def test_report_page_fits_a_tablet_with_the_actions_first(desk: OpenPage, api: ApiClient) -> None:
    report = submit_report(api, category=GARBAGE, description="单元楼下垃圾堆积")
    page = desk()
    page.set_viewport_size(TABLET)
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{report['id']}")
    commands = page.locator(".panel-commands")
    expect(commands.get_by_role("button", name="受理", exact=True)).to_be_visible()
    details = page.locator(".panel", has_text="基本信息")
    assert commands.bounding_box()["y"] < details.bounding_box()["y"]  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "console-report-tablet")


def test_rework_needs_a_note_and_sends_the_task_back_to_the_unit(
    desk: OpenPage, api: ApiClient
) -> None:
    report = submit_report(api, category=GARBAGE, description="垃圾清运后仍有残留")
    report_id = report["id"]
    api.call("POST", f"/reports/{report_id}/accept", as_user=COORDINATOR, json={})
    task = api.call(
        "POST", f"/reports/{report_id}/tasks", as_user=COORDINATOR, json={"unit_code": UNIT_CODE}
    )
    api.call("POST", f"/tasks/{task['id']}/accept", as_user=UNIT_ACCOUNT, json={})
    with PHOTO.open("rb") as photo:
        api.call(
            "POST",
            f"/tasks/{task['id']}/complete",
            as_user=UNIT_ACCOUNT,
            data={"note": "已清运"},
            files={"photo": (PHOTO.name, photo, "image/jpeg")},
        )
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{report_id}")
    expect(status_badge(page)).to_have_text("待核查")

    page.get_by_role("button", name="退回返工", exact=True).click()
    dialog = open_dialog(page)
    dialog.get_by_role("button", name="退回返工", exact=True).click()
    expect(dialog.locator(".field-error")).to_have_text("请填写返工要求")
    assert report_status(api, report_id) == "resolved"

    dialog.get_by_label("返工要求").fill("墙角仍有垃圾袋，请清理干净")
    dialog.get_by_role("button", name="退回返工", exact=True).click()
    expect(status_badge(page)).to_have_text("已派单")
    expect(page.locator(".detail-side table tbody tr").first).to_contain_text("待接单")
    assert report_status(api, report_id) == "dispatched"


def test_overdue_tasks_stand_out_in_the_task_overview(
    desk: OpenPage, api: ApiClient, server: LiveServer
) -> None:
    report = submit_report(api, category=GARBAGE, description="垃圾房门口堆满垃圾袋")
    api.call("POST", f"/reports/{report['id']}/accept", as_user=COORDINATOR, json={})
    task = api.call(
        "POST", f"/reports/{report['id']}/tasks", as_user=COORDINATOR, json={"unit_code": UNIT_CODE}
    )
    # The deadline passes: move it into the past rather than wait for it.
    with Session(writer_engine(server.runtime.engine)) as session:
        session.execute(
            update(Task)
            .where(col(Task.id) == task["id"])
            .values(due_at=utcnow() - timedelta(hours=1))
        )
        session.commit()
    page = desk()
    console_login(page, COORDINATOR)
    page.goto("/console/#/tasks?status=open")

    row = page.locator(f"tr[data-task-id='{task['id']}']")
    expect(row).to_have_class(re.compile(r"\brow-overdue\b"))
    expect(row.locator(".badge.overdue")).to_have_text("超期")
    expect(row).to_contain_text("东华社区物业服务中心")
    screenshot(page, "console-tasks-overdue")
