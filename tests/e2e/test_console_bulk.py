"""The console's bulk actions and suggested duplicates: a coordinator accepts, merges and
dispatches several reports at once, one result line each, and merges a likely duplicate found
by its photo in one click."""

import uuid
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.api_client import COORDINATOR, DEMO_RIDER, GRID_LON_LAT, UNIT_CODE, ApiClient
from tests.e2e.conftest import OpenPage
from tests.e2e.test_console import REDACTED_TIMEOUT_MS, console_login, screenshot, submit_report
from tests.photos.factories import fixture_photo
from tests.waiting import eventually

pytestmark = pytest.mark.e2e

DIRTY_ROAD = "0104"  # 道路不洁: a category no other browser test reports in


def reports_with(api: ApiClient, count: int) -> tuple[str, list[int]]:
    """`count` new reports whose description holds a word of their own, and that word."""
    word = f"批量{uuid.uuid4().hex[:6]}"
    ids = [
        submit_report(api, category=DIRTY_ROAD, description=f"{word} 第{n}处")["id"]
        for n in range(count)
    ]
    return word, ids


def queue_of(desk: OpenPage, word: str, status: str = "submitted") -> Page:
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/queue?status={status}&q={word}")
    return page


def pick_all(page: Page, count: int) -> Locator:
    expect(page.locator("tbody tr[data-report-id]")).to_have_count(count)
    page.get_by_label("全选本页").check()
    bar = page.get_by_role("group", name="批量操作")
    expect(bar.get_by_role("status")).to_have_text(f"已选 {count} 条")
    return bar


def result_lines(page: Page, count: int) -> dict[int, str]:
    lines = page.locator(".bulk-results li")
    expect(lines).to_have_count(count)
    return {
        int(lines.nth(n).get_attribute("data-report-id") or 0): lines.nth(n).inner_text()
        for n in range(count)
    }


def report(api: ApiClient, report_id: int) -> dict[str, Any]:
    found: dict[str, Any] = api.call("GET", f"/reports/{report_id}", as_user=COORDINATOR)
    return found


def test_a_coordinator_accepts_several_and_sees_one_line_each(
    desk: OpenPage, api: ApiClient
) -> None:
    word, ids = reports_with(api, 3)
    page = queue_of(desk, word)
    bar = pick_all(page, 3)
    # Someone else accepts one after the queue was loaded.
    api.call("POST", f"/reports/{ids[1]}/accept", as_user=COORDINATOR, json={})

    bar.get_by_role("button", name="批量受理").click()
    dialog = page.locator("dialog")
    dialog.get_by_label("备注（可选）").fill("批量受理")
    dialog.get_by_role("button", name="批量受理").click()

    lines = result_lines(page, 3)
    assert lines[ids[0]].startswith(f"#{ids[0]} 已完成")
    assert lines[ids[2]].startswith(f"#{ids[2]} 已完成")
    assert "已被他人先行处理" in lines[ids[1]]
    screenshot(page, "console-bulk-accept")
    assert [report(api, i)["status"] for i in ids] == ["accepted"] * 3


def test_a_coordinator_merges_several_into_one_case(desk: OpenPage, api: ApiClient) -> None:
    word, ids = reports_with(api, 3)
    page = queue_of(desk, word)
    bar = pick_all(page, 3)

    bar.get_by_role("button", name="合并为一案").click()
    dialog = page.locator("dialog")
    dialog.get_by_label("主案件").select_option(str(ids[0]))
    dialog.get_by_role("button", name="合并为一案").click()

    lines = result_lines(page, 2)
    assert sorted(lines) == sorted(ids[1:])
    assert all("已完成" in line for line in lines.values())
    screenshot(page, "console-bulk-merge")
    assert report(api, ids[0])["status"] == "accepted"
    for copy in ids[1:]:
        assert (report(api, copy)["status"], report(api, copy)["duplicate_of"]) == (
            "duplicate",
            ids[0],
        )


def test_a_coordinator_dispatches_several_to_one_unit(desk: OpenPage, api: ApiClient) -> None:
    note = api.call("GET", "/note-presets?purpose=dispatch", as_user=COORDINATOR)["items"][0]
    word, ids = reports_with(api, 2)
    for report_id in ids:
        api.call("POST", f"/reports/{report_id}/accept", as_user=COORDINATOR, json={})
    page = queue_of(desk, word, status="accepted")
    bar = pick_all(page, 2)

    bar.get_by_role("button", name="批量派遣").click()
    dialog = page.locator("dialog")
    dialog.get_by_label("处置单位").select_option(UNIT_CODE)
    dialog.get_by_label("常用语").select_option(note["text"])
    dialog.get_by_role("button", name="批量派遣").click()

    lines = result_lines(page, 2)
    assert all("已完成" in line for line in lines.values())
    screenshot(page, "console-bulk-dispatch")
    for report_id in ids:
        assert report(api, report_id)["status"] == "dispatched"
        [task] = api.call("GET", f"/tasks?report_id={report_id}", as_user=COORDINATOR)["items"]
        assert (task["unit_code"], task["note"]) == (UNIT_CODE, note["text"])


def report_with_photo(api: ApiClient, photo: str, description: str) -> int:
    lon, lat = GRID_LON_LAT
    created: dict[str, Any] = api.call(
        "POST",
        "/reports",
        as_user=DEMO_RIDER,
        data={
            "category": DIRTY_ROAD,
            "description": description,
            "lat": str(lat),
            "lon": str(lon),
            "client_id": str(uuid.uuid4()),
        },
        files={"photo": ("photo.jpg", fixture_photo(photo), "image/jpeg")},
    )
    return int(created["id"])


def test_a_suggested_duplicate_ranks_first_by_its_photo_and_merges_in_one_click(
    desk: OpenPage, api: ApiClient
) -> None:
    other_scene = report_with_photo(api, "privacy/astronaut.jpg", "路边有人乱扔垃圾")
    same_scene = report_with_photo(api, "privacy/street-plates.jpg", "路面泥土撒漏")
    for case in (other_scene, same_scene):
        api.call("POST", f"/reports/{case}/accept", as_user=COORDINATOR, json={})
    again = report_with_photo(api, "jpg/mobile/HMD_Nokia_8.3_5G.jpg", "这条路很脏")
    eventually(
        lambda: all(report(api, r)["photos"][0]["ready"] for r in (same_scene, again)),
        timeout_s=REDACTED_TIMEOUT_MS / 1000,
        what="the photos redacted and served",
    )
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{again}")

    suggestions = page.locator("ol.likely > li")
    expect(suggestions.first).to_have_attribute("data-report-id", str(same_scene))
    expect(page.locator(f"ol.likely > li[data-report-id='{other_scene}']")).to_be_visible()
    first = suggestions.first
    expect(first.locator(".likely-photos img")).to_have_count(2)
    screenshot(page, "console-likely-duplicates")

    first.get_by_role("button", name=f"合并到案件 #{same_scene}").click()

    expect(page.locator(".page-header .badge").first).to_have_text("已合并")
    merged = report(api, again)
    assert (merged["status"], merged["duplicate_of"]) == ("duplicate", same_scene)
