"""The review screen's pin and the service area: drag the pin into the next grid, place it by
hand when neither the phone nor the photo knows where, refuse a point nobody answers for (on the
phone and on the server); 身边事 with "me too"; the map offline."""

import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.api_client import RIDER_PASSWORD, ApiClient, Rider
from tests.e2e.conftest import GRID_NAME, ContextFactory, log_in, screenshot
from tests.e2e.flows import outbox_items, queued_reports, wait_until_sent
from tests.e2e.server import LiveServer
from tests.photos.factories import FIXTURE_PHOTOS_DIR, make_jpeg

pytestmark = pytest.mark.e2e

GRID_CODE = "341126100001001"
NEXT_GRID_CODE = "341126100001002"
NEXT_GRID_NAME = "香悦淮畔小区网格"
PHOTO = FIXTURE_PHOTOS_DIR / "jpg/orientation/landscape_3.jpg"
TRADING_OUTSIDE_THE_SHOP = "0504"
BEIJING_LON_LAT = (116.3975, 39.9087)  # Tiananmen: about 900 km from the demo county


def _to_review(page: Page, photo_files: list[str], category: str = "暴露垃圾") -> None:
    page.locator("#camera-input").set_input_files(photo_files)
    page.locator(".category-button", has_text=category).click()
    expect(page.locator("#pin-map path[data-grid-code]").first).to_be_attached()


def _send_button(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile("发送"))


def _tap_grid(page: Page, code: str) -> None:
    grid = page.locator(f'#pin-map path[data-grid-code="{code}"]').bounding_box()
    assert grid
    page.mouse.click(grid["x"] + grid["width"] / 2, grid["y"] + grid["height"] / 2)


def test_dragging_the_pin_into_the_next_grid_places_the_report_there(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    page = rider_page
    _to_review(page, [str(PHOTO)])
    card = page.locator(".pin-card")
    expect(card).to_have_attribute("data-grid", GRID_CODE)
    expect(page.locator("#pin-place")).to_contain_text(GRID_NAME)
    screenshot(page, "20-review-pin")

    pin = page.locator(".tt-map-pin")
    pin_box = pin.bounding_box()
    map_box = page.locator("#pin-map").bounding_box()
    next_box = page.locator(f'#pin-map path[data-grid-code="{NEXT_GRID_CODE}"]').bounding_box()
    assert pin_box
    assert map_box
    assert next_box
    # Drag it sideways to the middle of the part of the next grid that the map shows.
    start_x, start_y = pin_box["x"] + pin_box["width"] / 2, pin_box["y"] + pin_box["height"] / 2
    left = max(next_box["x"], map_box["x"])
    right = min(next_box["x"] + next_box["width"], map_box["x"] + map_box["width"])
    target_x = (left + right) / 2
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(start_x + (target_x - start_x) * step / 10, start_y)
    page.mouse.up()

    expect(card).to_have_attribute("data-grid", NEXT_GRID_CODE)
    expect(page.locator("#pin-place")).to_contain_text(NEXT_GRID_NAME)
    expect(page.locator(f'#pin-map path[data-grid-code="{NEXT_GRID_CODE}"]')).to_have_attribute(
        "stroke", "#d8402b"
    )
    screenshot(page, "21-review-pin-dragged")
    _send_button(page).click()
    wait_until_sent(page, 1)
    [report] = api.reports_of(rider)
    assert report["grid"]["code"] == NEXT_GRID_CODE
    assert report["location_source"] == "client"


def test_a_photo_without_gps_and_location_off_cannot_be_sent_until_a_pin_is_placed(
    new_context: ContextFactory, rider: Rider, api: ApiClient, tmp_path: Path
) -> None:
    photo = tmp_path / "no-gps.jpg"
    photo.write_bytes(make_jpeg(1200, 900))
    page = new_context(located=False).new_page()
    log_in(page, rider.phone)
    _to_review(page, [str(photo)])

    expect(page.locator("#pin-place")).to_contain_text("请在地图上点一下问题所在的位置")
    expect(page.locator(".pin-card")).to_have_attribute("data-state", "none")
    expect(_send_button(page)).to_be_disabled()
    assert queued_reports(page) == []
    screenshot(page, "22-review-needs-pin")

    # The map shows the whole county: tap inside the demo grid.
    _tap_grid(page, GRID_CODE)
    card = page.locator(".pin-card")
    expect(card).to_have_attribute("data-state", "ok")
    placed_grid = card.get_attribute("data-grid")
    assert placed_grid, "the tapped point lies in a grid"
    expect(page.locator("#pin-place")).to_contain_text("按您选定的位置")
    _send_button(page).click()
    wait_until_sent(page, 1)
    [report] = api.reports_of(rider)
    assert report["grid"]["code"] == placed_grid
    assert report["location_source"] == "client"


def test_a_point_far_outside_the_county_is_refused_on_the_phone_and_by_the_server(
    new_context: ContextFactory,
    rider: Rider,
    api: ApiClient,
    server: LiveServer,
    tmp_path: Path,
) -> None:
    photo = tmp_path / "beijing.jpg"
    photo.write_bytes(make_jpeg(1200, 900, gps=BEIJING_LON_LAT))
    page = new_context(located=False).new_page()
    log_in(page, rider.phone)
    _to_review(page, [str(photo)])

    place = page.locator("#pin-place")
    expect(place).to_contain_text("该位置在服务区域之外")
    expect(place).to_contain_text("离最近的社区超过 5 公里")
    expect(page.locator(".pin-card")).to_have_attribute("data-state", "outside")
    expect(_send_button(page)).to_be_disabled()
    screenshot(page, "23-review-outside-service-area")
    assert queued_reports(page) == []
    expect(outbox_items(page, "waiting")).to_have_count(0)

    # The server holds the same line, for the photo's GPS and for a point sent as lat/lon.
    headers = {"Authorization": f"Bearer {api.token(rider.phone, RIDER_PASSWORD)}"}
    lon, lat = BEIJING_LON_LAT
    for fields in ({}, {"lat": str(lat), "lon": str(lon)}):
        response = httpx.post(
            f"{server.url}/api/v1/reports",
            headers=headers,
            data={"category": "0102", "client_id": str(uuid.uuid4()), **fields},
            files=[("photo", ("photo.jpg", photo.read_bytes(), "image/jpeg"))],
            timeout=30,
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "lat"
    assert api.reports_of(rider) == []

    # The map shows the service area instead of the far point: a tap puts the pin in a grid.
    _tap_grid(page, GRID_CODE)
    expect(page.locator(".pin-card")).to_have_attribute("data-state", "ok")
    _send_button(page).click()
    wait_until_sent(page, 1)
    [report] = api.reports_of(rider)
    assert report["grid"] is not None


def test_nearby_lists_and_maps_open_reports_and_me_too_joins_one(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    other = api.active_rider()
    # A category no other test reports, so the "is it this one?" tests see none of these.
    existing = api.report_as(other, make_jpeg(800, 600), category=TRADING_OUTSIDE_THE_SHOP)
    page = rider_page
    page.get_by_role("link", name="身边事").click()

    row = page.locator(f'.nearby-item[data-report-id="{existing["id"]}"]')
    expect(row).to_contain_text("店外经营")
    expect(page.locator(f'#nearby-map [data-report-id="{existing["id"]}"]')).to_be_attached()
    screenshot(page, "24-nearby")
    row.get_by_role("button", name="我也遇到").click()

    expect(page.locator("#toast")).to_contain_text("已加入")
    expect(row.get_by_role("link", name="已加入 · 查看")).to_be_visible()
    followed = {item["id"]: item for item in api.reports_of(rider)}
    assert followed[existing["id"]]["supporters"] == 1
    screenshot(page, "25-nearby-joined")


def test_offline_the_review_map_draws_the_kept_outlines_and_names_the_grid(
    rider_page: Page,
) -> None:
    page = rider_page
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.context.set_offline(True)
    _to_review(page, [str(PHOTO)])

    expect(page.locator("#pin-map path[data-grid-code]")).to_have_count(56)
    expect(page.locator("#pin-place")).to_contain_text(GRID_NAME)
    expect(page.locator("#pin-map")).to_have_class(re.compile("tt-map-plain"))
    screenshot(page, "26-review-pin-offline")
    _send_button(page).click()
    expect(outbox_items(page, "waiting")).to_have_count(1)
