"""A closed case in Chromium: the coordinator reads the reporter's rating on the report's page
and prints its case sheet (工单), on which only the sheet reaches the paper."""

import pytest
from playwright.sync_api import expect

from tests.e2e.api_client import COORDINATOR, UNIT, UNIT_CODE, ApiClient
from tests.e2e.conftest import OpenPage
from tests.e2e.test_console import PHOTO, console_login, screenshot

pytestmark = pytest.mark.e2e


def _closed_and_rated_case(api: ApiClient) -> int:
    reporter = api.active_rider()
    report_id: int = api.report_as(reporter, PHOTO.read_bytes())["id"]
    api.call("POST", f"/reports/{report_id}/accept", as_user=COORDINATOR, json={})
    task = api.call(
        "POST", f"/reports/{report_id}/tasks", as_user=COORDINATOR, json={"unit_code": UNIT_CODE}
    )
    api.call("POST", f"/tasks/{task['id']}/accept", as_user=UNIT)
    api.call(
        "POST",
        f"/tasks/{task['id']}/complete",
        as_user=UNIT,
        data={"note": "已清运并冲洗路面"},
        files=[("photo", ("after.jpg", PHOTO.read_bytes(), "image/jpeg"))],
    )
    api.call("POST", f"/reports/{report_id}/verify", as_user=COORDINATOR, json={"approved": True})
    rating = {"stars": 4, "comment": "处理及时，就是慢了一点"}
    api.as_rider(reporter, "POST", f"/reports/{report_id}/rating", json=rating)
    return report_id


def test_a_coordinator_reads_the_rating_and_prints_the_case_sheet(
    desk: OpenPage, api: ApiClient
) -> None:
    report_id = _closed_and_rated_case(api)
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{report_id}")
    rating = page.locator(".rating")
    expect(rating.get_by_role("img", name="4/5 星")).to_have_text("★★★★☆")
    expect(rating).to_contain_text("处理及时，就是慢了一点")

    page.get_by_role("link", name="打印工单").click()
    sheet = page.locator(f".case-sheet[data-report-id='{report_id}']")
    expect(sheet.get_by_role("heading", name="网格事项处置工单")).to_be_visible()
    expect(sheet).to_contain_text(f"工单编号：#{report_id}")
    expect(sheet.locator("tr[data-task-id]")).to_contain_text("已清运并冲洗路面")
    expect(sheet).to_contain_text("网格员核查签字")
    expect(sheet.get_by_role("img", name="4/5 星")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator("nav.sidebar")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    expect(sheet).to_be_visible()
    screenshot(page, "console-case-sheet-print")
    assert len(page.pdf(format="A4")) > 10_000  # the sheet renders to paper
