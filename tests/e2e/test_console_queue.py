"""The console's queue: a coordinator searches, picks dates and exports what is on screen."""

import csv
import io
import re
import uuid
from datetime import date, timedelta

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_client import COORDINATOR, ApiClient
from tests.e2e.conftest import OpenPage
from tests.e2e.test_console import (
    GARBAGE,
    LIVE_ALERT_TIMEOUT_MS,
    ROAD_COLLAPSE,
    console_login,
    screenshot,
    submit_report,
)

pytestmark = pytest.mark.e2e


def queue_ids(api: ApiClient, **params: str) -> list[int]:
    page = api.call("GET", "/reports", as_user=COORDINATOR, params=params | {"limit": "100"})
    return [item["id"] for item in page["items"]]


def download(page: Page, button: str) -> bytes:
    with page.expect_download() as downloaded:
        page.get_by_role("group", name="导出当前筛选").get_by_role("button", name=button).click()
    return downloaded.value.path().read_bytes()


def test_a_search_narrows_the_queue_and_its_exports_hold_the_same_rows(
    desk: OpenPage, api: ApiClient
) -> None:
    word = f"纸箱{uuid.uuid4().hex[:6]}"
    mine = [submit_report(api, category=GARBAGE, description=f"{word} 第{n}堆") for n in range(3)]
    submit_report(api, category=GARBAGE, description="别的问题")
    page = desk()
    console_login(page, COORDINATOR)
    page.goto("/console/#/queue?status=")

    page.get_by_label("搜索").fill(word)
    page.get_by_label("搜索").press("Enter")

    expected = queue_ids(api, q=word)
    assert sorted(expected) == sorted(r["id"] for r in mine)
    rows = page.locator("tbody tr[data-report-id]")
    expect(rows).to_have_count(3)
    shown = [int(rows.nth(n).get_attribute("data-report-id") or 0) for n in range(3)]
    assert shown == expected
    screenshot(page, "console-queue-search")

    table = list(csv.reader(io.StringIO(download(page, "CSV").decode("utf-8-sig"))))
    assert [int(row[0]) for row in table[1:]] == expected
    sheet = openpyxl.load_workbook(io.BytesIO(download(page, "Excel"))).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected


def test_the_end_date_picked_is_a_whole_day_of_the_queue(desk: OpenPage, api: ApiClient) -> None:
    word = f"占道{uuid.uuid4().hex[:6]}"
    report = submit_report(api, category=GARBAGE, description=word)
    today = date.fromisoformat(report["created_at"][:10])  # UTC date; the zone is +08:00
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/queue?status=&q={word}")
    rows = page.locator("tbody tr[data-report-id]")
    expect(rows).to_have_count(1)

    yesterday = (today - timedelta(days=2)).isoformat()
    page.get_by_label("结束日期").fill(yesterday)

    expect(page.locator("tr.empty-row")).to_be_visible()
    expect(rows).to_have_count(0)
    page.get_by_label("结束日期").fill((today + timedelta(days=1)).isoformat())
    expect(rows).to_have_count(1)


def test_a_new_ordinary_report_arrives_live_first_among_the_ordinary_ones(
    desk: OpenPage, api: ApiClient
) -> None:
    page = desk()
    console_login(page, COORDINATOR)
    expect(page.locator(".live")).to_have_attribute("data-stream-state", "open")
    urgent = submit_report(api, category=ROAD_COLLAPSE, description="井盖缺失", urgent=True)
    ordinary = submit_report(api, category=GARBAGE, description=f"新到的垃圾{uuid.uuid4().hex[:6]}")

    row = page.locator(f"table.data-table tbody tr[data-report-id='{ordinary['id']}']")
    expect(row).to_be_visible(timeout=LIVE_ALERT_TIMEOUT_MS)
    expect(row).to_have_class(re.compile(r"\brow-new\b"))
    expect(page.locator(f"tr[data-report-id='{urgent['id']}']")).to_be_visible()
    order = page.locator("table.data-table tbody tr[data-report-id]").evaluate_all(
        "rows => rows.map(r => [Number(r.dataset.reportId), r.classList.contains('row-urgent')])"
    )
    ordinary_ids = [report_id for report_id, is_urgent in order if not is_urgent]
    assert ordinary_ids[0] == ordinary["id"]  # the newest ordinary report leads the ordinary ones
    assert all(is_urgent for _id, is_urgent in order[: order.index([ordinary["id"], False])])
    # Only the urgent one raised the banner.
    expect(page.locator(f".urgent-alert[data-report-id='{ordinary['id']}']")).to_have_count(0)
    expect(page.locator(f".urgent-alert[data-report-id='{urgent['id']}']")).to_be_visible()
