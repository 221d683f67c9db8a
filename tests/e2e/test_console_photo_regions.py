"""A coordinator's privacy tools over a photo in Chromium: the redacted face is marked, revealed
only with a reason, audited on the admins' page, and a box drawn over the picture is pixelated
for everyone and shown on the report's timeline."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.api_client import COORDINATOR, DEMO_RIDER, ApiClient
from tests.e2e.conftest import GRID_POINT, OpenPage
from tests.e2e.test_console import REDACTED_TIMEOUT_MS, console_login, screenshot
from tests.photos.factories import FIXTURE_PHOTOS_DIR

pytestmark = pytest.mark.e2e

ASTRONAUT = FIXTURE_PHOTOS_DIR / "privacy" / "astronaut.jpg"
REASON = "派出所协查：核对当事人身份"


def test_a_face_is_revealed_with_a_reason_and_a_drawn_box_is_pixelated(
    desk: OpenPage, api: ApiClient
) -> None:
    with ASTRONAUT.open("rb") as photo:
        report = api.call(
            "POST",
            "/reports",
            as_user=DEMO_RIDER,
            data={
                "category": "0603",
                "description": "门口有人乱摆摊",
                "lat": str(GRID_POINT["latitude"]),
                "lon": str(GRID_POINT["longitude"]),
                "client_id": str(uuid.uuid4()),
            },
            files={"photo": (ASTRONAUT.name, photo, "image/jpeg")},
        )
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{report['id']}")
    thumbnail = page.locator(".photo-strip img").first
    expect(thumbnail).to_be_visible(timeout=REDACTED_TIMEOUT_MS)
    thumbnail.click()

    lightbox = page.locator("dialog.lightbox[open]")
    marks = lightbox.locator(".region-mark")
    expect(marks).to_have_count(1)
    marks.first.click()
    form = page.locator("dialog.dialog[open]")
    form.get_by_role("button", name="记录事由并查看").click()
    expect(form.locator(".field-error")).to_contain_text("查看事由")  # no reason, no look
    form.get_by_label("查看事由").fill(REASON)
    form.get_by_role("button", name="记录事由并查看").click()
    revealed = page.locator("dialog.dialog[open] img.revealed")
    expect(revealed).to_have_js_property("complete", True)
    assert revealed.evaluate("img => img.naturalWidth") > 0
    screenshot(page, "console-photo-region-revealed")
    page.locator("dialog.dialog[open]").get_by_role("button", name="关闭").click()

    lightbox.get_by_role("button", name="添加遮挡").click()
    canvas = lightbox.locator(".lightbox-canvas")
    frame = canvas.bounding_box()
    assert frame is not None
    page.mouse.move(frame["x"] + 10, frame["y"] + 10)
    page.mouse.down()
    page.mouse.move(frame["x"] + 80, frame["y"] + 60, steps=5)
    page.mouse.up()

    expect(page.locator(".toast")).to_contain_text("已添加遮挡")
    expect(lightbox).to_have_count(0)
    # The reloaded page's timeline says who added a box to which photo.
    added = page.locator(".timeline .tl-item", has_text="添加遮挡")
    expect(added).to_have_count(1)
    expect(added.locator(".tl-note")).to_have_text("现场照片第 1 张")
    expect(added.locator(".tl-actor")).not_to_be_empty()
    [photo] = api.call("GET", f"/reports/{report['id']}", as_user=COORDINATOR)["photos"]
    assert [region["kind"] for region in photo["regions"]] == ["face", "manual"]
    left, top, right, bottom = photo["regions"][1]["box"]
    # Where it was drawn, in the display copy's pixels.
    assert left < 20 < 60 < right
    assert top < 20 < 40 < bottom
    page.locator(".photo-strip img").first.click()
    expect(page.locator("dialog.lightbox[open] .region-mark")).to_have_count(2)

    # The look is on the admins' privacy audit page, with who and why.
    admin = desk()
    console_login(admin, "admin")
    admin.locator("nav.sidebar a", has_text="隐私审计").click()
    row = admin.locator("table.data-table tbody tr", has_text=REASON)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"#{report['id']}")
    expect(row).to_contain_text(COORDINATOR)
    screenshot(admin, "console-privacy-audit")
