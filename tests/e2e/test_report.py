"""Snap and report: three taps, photos shrunk on the phone, placed in the right grid."""

import io
import random
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.api_client import ApiClient, Rider
from tests.e2e.conftest import GRID_NAME, ContextFactory, log_in, screenshot
from tests.e2e.flows import outbox_items, queued_reports, report_in_three_taps, wait_until_sent
from tests.photos.factories import FENGYANG_LON_LAT, FIXTURE_PHOTOS_DIR, make_jpeg

pytestmark = pytest.mark.e2e

GRID_CODE = "341126100001001"
EXPOSED_GARBAGE = "0102"
BLOCKED_FIRE_LANE = "0601"
EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825


def test_report_takes_three_taps_and_shows_in_my_reports_in_its_grid(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    page = rider_page
    expect(page.locator(".location-line")).to_contain_text(GRID_NAME)
    screenshot(page, "01-home")

    taps = report_in_three_taps(
        page, FIXTURE_PHOTOS_DIR / "jpg/orientation/landscape_3.jpg", "暴露垃圾"
    )

    assert taps.count == 3, taps.log
    wait_until_sent(page, 1)
    screenshot(page, "04-home-sent")
    [report] = api.reports_of(rider)
    assert report["category"] == EXPOSED_GARBAGE
    assert report["grid"]["code"] == GRID_CODE
    assert report["location_source"] == "client"
    assert report["accuracy_m"] == 12
    page.get_by_role("link", name="我的上报").click()
    card = page.locator(f'.report-card[data-report-id="{report["id"]}"]')
    expect(card).to_contain_text(GRID_NAME)
    expect(card).to_contain_text("待受理")
    screenshot(page, "05-my-reports")
    card.click()
    expect(page.locator(".timeline li")).not_to_have_count(0)
    expect(page.locator(".facts")).to_contain_text(GRID_NAME)
    screenshot(page, "06-report-detail")


def test_category_and_review_screens_offer_big_buttons_and_an_urgent_switch(
    rider_page: Page,
) -> None:
    page = rider_page
    page.locator("#camera-input").set_input_files(
        str(FIXTURE_PHOTOS_DIR / "jpg/orientation/landscape_3.jpg")
    )
    expect(page.locator(".category-grid .category-button:not(.more)")).to_have_count(6)
    screenshot(page, "02-pick-category")
    page.get_by_role("button", name="更多类别").click()
    page.locator(".category-chip", has_text="燃气管道破裂").click()
    # An emergency category turns the urgent switch on and prompts to call 110/119/120.
    expect(page.locator("#urgent")).to_be_checked()
    expect(page.locator(".emergency")).to_contain_text("119")
    screenshot(page, "03-review-urgent")


def test_photo_is_shrunk_upright_and_keeps_its_gps_when_the_phone_has_no_fix(
    new_context: ContextFactory, rider: Rider, api: ApiClient, tmp_path: Path
) -> None:
    photo = tmp_path / "sideways.jpg"
    # Displays as 4000x3000 but is stored 3000x4000 with orientation 6, as a phone held sideways.
    photo.write_bytes(make_jpeg(4000, 3000, gps=FENGYANG_LON_LAT, orientation=6))
    context = new_context(located=False)
    page = context.new_page()
    log_in(page, rider.phone)
    # Offline, the report stays in the outbox, where the test reads the bytes it will upload.
    context.set_offline(True)
    report_in_three_taps(page, photo, "乱堆物堆料")
    expect(outbox_items(page, "waiting")).to_have_count(1)
    [queued] = queued_reports(page)
    [upload] = [photo.content for photo in queued.photos]
    context.set_offline(False)
    wait_until_sent(page, 1)

    assert len(upload) < len(photo.read_bytes())
    shrunk = Image.open(io.BytesIO(upload))
    assert shrunk.size == (2048, 1536)
    exif = shrunk.getexif()
    assert exif.get(EXIF_ORIENTATION) == 1
    assert exif.get_ifd(EXIF_GPS_IFD), "the GPS block must travel with the shrunk photo"
    [report] = api.reports_of(rider)
    assert report["location_source"] == "exif"
    assert report["grid"]["code"] == GRID_CODE
    assert report["photos"][0]["width"] > report["photos"][0]["height"]


def test_server_refusal_shows_its_reason_and_can_be_dismissed(
    rider_page: Page, rider: Rider, api: ApiClient, tmp_path: Path
) -> None:
    page = rider_page
    fake = tmp_path / "not-a-photo.jpg"
    fake.write_text("这不是照片 this is not a photo\n" * 20)

    with page.expect_response(lambda r: r.url.endswith("/api/v1/reports")) as answer:
        report_in_three_taps(page, fake, "店外经营")

    assert answer.value.status == 415
    detail = answer.value.json()["detail"]
    refused = outbox_items(page, "refused")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("被退回")
    expect(refused.locator(".refusal-detail")).to_contain_text(detail)
    screenshot(page, "07-refused")
    assert api.reports_of(rider) == []
    refused.get_by_role("button", name="知道了，删除").click()
    expect(refused).to_have_count(0)


def test_same_problem_nearby_is_offered_and_me_too_joins_it_instead_of_sending(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    other = api.active_rider()
    existing = api.report_as(other, make_jpeg(800, 600), category=BLOCKED_FIRE_LANE)
    page = rider_page
    page.locator("#camera-input").set_input_files(
        str(FIXTURE_PHOTOS_DIR / "jpg/orientation/landscape_3.jpg")
    )
    page.locator(".category-button", has_text="消防通道堵塞").click()

    offer = page.locator(".nearby")
    expect(offer).to_contain_text("是同一个问题吗？")
    expect(offer.locator(".nearby-item").first).to_contain_text("消防通道堵塞")
    screenshot(page, "09-same-problem-nearby")
    offer.get_by_role("button", name="我也遇到").first.click()

    expect(page.locator("#toast")).to_contain_text("已加入")
    expect(page).to_have_url(re.compile(rf"#/reports/{existing['id']}$"))
    expect(page.locator(".facts")).to_contain_text("另有 1 人也遇到")
    expect(page.locator(".outbox-item")).to_have_count(0)
    [followed] = api.reports_of(rider)  # no report of its own: the case it joined
    assert (followed["id"], followed["supporters"]) == (existing["id"], 1)


def test_upload_progress_shows_while_a_slow_connection_sends(
    rider_page: Page, rider: Rider, api: ApiClient, tmp_path: Path
) -> None:
    photo = tmp_path / "noisy.jpg"
    noise = Image.frombytes("RGB", (1600, 1200), random.Random(7).randbytes(1600 * 1200 * 3))
    noise.save(photo, "JPEG", quality=90)
    page = rider_page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 50, "downloadThroughput": -1, "uploadThroughput": 400_000},
    )

    report_in_three_taps(page, photo, "暴露垃圾")

    page.wait_for_function(
        """() => {
          const bar = document.querySelector('.outbox-item[data-state="sending"] .upload-progress');
          return bar && bar.value > 0.1 && bar.value < 0.9;
        }"""
    )
    screenshot(page, "04-home-uploading")
    wait_until_sent(page, 1)
    assert len(api.reports_of(rider)) == 1
