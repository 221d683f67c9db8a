"""The photo viewer: a case's before and after photos in one full-screen dialog, with swipe,
pinch-zoom, keyboard and buttons."""

import re

import pytest
from playwright.sync_api import CDPSession, Page, expect

from tests.e2e.api_client import COORDINATOR, UNIT, UNIT_CODE, ApiClient, Rider
from tests.e2e.conftest import screenshot
from tests.photos.factories import FENGYANG_LON_LAT, make_jpeg

pytestmark = pytest.mark.e2e

REDACTED_TIMEOUT_MS = 15_000


def _resolved_case(api: ApiClient, rider: Rider) -> int:
    """The rider's report with one before photo and, from the unit, one after photo."""
    photo = make_jpeg(800, 600, gps=FENGYANG_LON_LAT)
    report_id = int(api.report_as(rider, photo)["id"])
    api.call("POST", f"/reports/{report_id}/accept", as_user=COORDINATOR, json={})
    task = api.call(
        "POST", f"/reports/{report_id}/tasks", as_user=COORDINATOR, json={"unit_code": UNIT_CODE}
    )
    api.call("POST", f"/tasks/{task['id']}/accept", as_user=UNIT)
    api.call(
        "POST",
        f"/tasks/{task['id']}/complete",
        as_user=UNIT,
        data={"note": "已清运"},
        files=[("photo", ("after.jpg", make_jpeg(640, 480), "image/jpeg"))],
    )
    return report_id


def _touch(cdp: CDPSession, kind: str, *points: tuple[float, float]) -> None:
    touch_points = [{"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points})


def _swipe(cdp: CDPSession, from_x: float, to_x: float, y: float) -> None:
    _touch(cdp, "touchStart", (from_x, y))
    for step in range(1, 6):
        _touch(cdp, "touchMove", (from_x + (to_x - from_x) * step / 5, y))
    _touch(cdp, "touchEnd")


def _pinch_open(cdp: CDPSession, x: float, y: float) -> None:
    _touch(cdp, "touchStart", (x - 20, y), (x + 20, y))
    for step in range(1, 6):
        _touch(cdp, "touchMove", (x - 20 - 16 * step, y), (x + 20 + 16 * step, y))
    _touch(cdp, "touchEnd")


def _scale(page: Page) -> float:
    transform = page.locator(".viewer-image").evaluate("img => img.style.transform")
    match = re.search(r"scale\(([\d.]+)\)", transform)
    assert match, transform
    return float(match.group(1))


def test_before_and_after_photos_open_in_a_viewer_that_swipes_zooms_and_closes(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    page = rider_page
    report_id = _resolved_case(api, rider)
    page.goto(f"/#/reports/{report_id}")
    openers = page.locator(".photo-open")
    expect(openers).to_have_count(2, timeout=REDACTED_TIMEOUT_MS)
    openers.first.click()

    viewer = page.get_by_role("dialog", name="查看照片")
    caption = viewer.locator(".viewer-caption")
    expect(caption).to_have_text("上报照片 1/2")
    expect(viewer.locator(".viewer-image")).to_have_js_property("complete", True)
    box = viewer.bounding_box()
    assert box is not None
    middle_x, middle_y = box["width"] / 2, box["height"] / 2
    cdp = page.context.new_cdp_session(page)

    _swipe(cdp, middle_x + 120, middle_x - 120, middle_y)  # to the left: the next photo
    expect(caption).to_have_text("处置后照片 2/2")
    page.keyboard.press("ArrowLeft")
    expect(caption).to_have_text("上报照片 1/2")
    viewer.get_by_role("button", name="下一张").click()
    expect(caption).to_have_text("处置后照片 2/2")
    viewer.get_by_role("button", name="上一张").click()
    expect(caption).to_have_text("上报照片 1/2")

    assert _scale(page) == 1
    _pinch_open(cdp, middle_x, middle_y)
    expect(viewer).to_have_attribute("data-zoomed", "true")
    assert _scale(page) > 2
    screenshot(page, "37-photo-viewer-zoomed")
    _swipe(cdp, middle_x + 120, middle_x - 120, middle_y)  # zoomed: a drag pans, stays here
    expect(caption).to_have_text("上报照片 1/2")
    for _ in range(4):  # at most 4x, each key a third smaller
        page.keyboard.press("-")
    expect(viewer).to_have_attribute("data-zoomed", "false")

    page.keyboard.press("Escape")
    expect(viewer).to_have_count(0)
    viewer_gone_focus = page.evaluate("document.activeElement.className")
    assert viewer_gone_focus == "photo-open"
    openers.last.click()
    expect(caption).to_have_text("处置后照片 2/2")
    viewer.get_by_role("button", name="关闭").click()
    expect(viewer).to_have_count(0)
