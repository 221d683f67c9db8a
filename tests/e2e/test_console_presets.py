"""常用语 in Chromium: an admin adds and orders a rejection reason, a coordinator rejects a
report by picking it (and may still edit it), and dispatches with a preset note."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.api_client import ADMIN, COORDINATOR, ApiClient
from tests.e2e.conftest import OpenPage
from tests.e2e.test_console import (
    UNCIVIL,
    UNIT_CODE,
    console_login,
    open_dialog,
    report_status,
    screenshot,
    status_badge,
    submit_report,
)

pytestmark = pytest.mark.e2e


def test_an_admin_adds_a_reason_and_a_coordinator_rejects_with_it(
    desk: OpenPage, api: ApiClient
) -> None:
    reason = f"同一问题已由12345热线受理（{uuid.uuid4().hex[:6]}）。"
    admin = desk()
    console_login(admin, ADMIN)
    admin.get_by_role("link", name="常用语").click()
    rejections = admin.locator("section[data-purpose='reject']")
    rejections.get_by_role("button", name="添加未受理理由").click()
    open_dialog(admin).get_by_label("内容").fill(reason)
    open_dialog(admin).get_by_role("button", name="保存").click()
    row = rejections.locator("tr", has_text=reason)
    expect(row).to_be_visible()
    row.get_by_role("button", name="上移").click()
    expect(rejections.locator("tbody tr").nth(-2)).to_contain_text(reason)
    screenshot(admin, "console-presets")
    ordered = api.call("GET", "/note-presets?purpose=reject", as_user=ADMIN)["items"]
    assert [item["text"] for item in ordered].index(reason) == len(ordered) - 2

    report = submit_report(api, category=UNCIVIL, description="人行道上有人乱扔杂物")
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{report['id']}")
    page.get_by_role("button", name="驳回", exact=True).click()
    dialog = open_dialog(page)
    dialog.get_by_label("常用语").select_option(reason)
    expect(dialog.get_by_label("驳回理由")).to_have_value(reason)
    dialog.get_by_label("驳回理由").press("End")
    dialog.get_by_label("驳回理由").press_sequentially("请留意短信。")
    dialog.get_by_role("button", name="驳回", exact=True).click()
    expect(status_badge(page)).to_have_text("已驳回")
    stored = api.call("GET", f"/reports/{report['id']}", as_user=COORDINATOR)
    assert stored["rejection_reason"] == f"{reason}请留意短信。"


def test_a_coordinator_dispatches_with_a_preset_note(desk: OpenPage, api: ApiClient) -> None:
    note = api.call("GET", "/note-presets?purpose=dispatch", as_user=COORDINATOR)["items"][0]
    report = submit_report(api, category=UNCIVIL, description="门店占道摆放货架")
    api.call("POST", f"/reports/{report['id']}/accept", as_user=COORDINATOR, json={})
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{report['id']}")
    page.get_by_role("button", name="派遣处置单位", exact=True).click()
    dialog = open_dialog(page)
    dialog.get_by_label("处置单位").select_option(UNIT_CODE)
    dialog.get_by_label("常用语").select_option(note["text"])
    expect(dialog.get_by_label("派遣说明")).to_have_value(note["text"])
    dialog.get_by_role("button", name="派遣处置单位", exact=True).click()
    expect(dialog).to_have_count(0)

    assert report_status(api, report["id"]) == "dispatched"
    [task] = api.call("GET", f"/tasks?report_id={report['id']}", as_user=COORDINATOR)["items"]
    assert task["note"] == note["text"]
