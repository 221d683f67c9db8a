"""The console's maps in Chromium with no tile layer set (a plain background, as offline): an
SVG path per grid carrying data-grid-code, a click on a grid filtering the queue, the reports
in view as markers, a report's own point, and the figures page's hotspots."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_client import COORDINATOR, ApiClient
from tests.e2e.conftest import GRID_NAME, OpenPage
from tests.e2e.test_console import (
    GARBAGE,
    console_login,
    screenshot,
    submit_report,
)

pytestmark = pytest.mark.e2e

GRID_CODE = "341126100001001"  # 凤凰熙岸小区网格, where submit_report puts its reports


def _grid_paths(page: Page) -> list[str]:
    return page.locator("[data-testid=area-map] path[data-grid-code]").evaluate_all(
        "paths => paths.map(p => p.getAttribute('data-grid-code'))"
    )


def test_the_map_draws_each_grid_without_tiles_and_a_click_filters_the_queue(
    desk: OpenPage,
    api: ApiClient,
) -> None:
    report = submit_report(api, category=GARBAGE, description="地图上的垃圾堆")
    own_grids = {
        f["properties"]["code"]
        for f in api.call("GET", "/map/grids", as_user=COORDINATOR)["features"]
    }
    page = desk()
    tiles: list[str] = []
    page.on("request", lambda r: tiles.append(r.url) if r.resource_type == "image" else None)
    console_login(page, COORDINATOR)
    page.goto("/console/#/map")
    expect(
        page.locator(f"[data-testid=area-map] path[data-grid-code='{GRID_CODE}']")
    ).to_be_visible()
    assert set(_grid_paths(page)) == own_grids
    assert page.locator("[data-testid=area-map] .leaflet-tile").count() == 0
    assert page.locator("[data-testid=area-map].tt-map-plain").count() == 1
    assert not [url for url in tiles if "/vendor/" not in url and "/photos/" not in url]
    marker = page.locator(f"[data-testid=area-map] path[data-report-id='{report['id']}']")
    expect(marker).to_be_attached()
    screenshot(page, "console-map")

    page.locator(f"[data-testid=area-map] path[data-grid-code='{GRID_CODE}']").click(
        position={"x": 8, "y": 8}, force=True
    )
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/queue?grid={GRID_CODE}")
    expect(page.locator("select[name=grid]")).to_have_value(GRID_CODE)
    rows = page.locator("tr[data-report-id]")
    expect(rows.first).to_be_visible()
    expect(page.locator(f"tr[data-report-id='{report['id']}']")).to_be_visible()
    grids_shown = set(rows.locator("td").all_inner_texts()) & {GRID_NAME}
    assert grids_shown == {GRID_NAME}


def test_the_report_page_shows_its_point_and_the_figures_their_hotspots(
    desk: OpenPage,
    api: ApiClient,
) -> None:
    report = submit_report(api, category=GARBAGE, description="热点网格的上报")
    page = desk()
    console_login(page, COORDINATOR)
    page.goto(f"/console/#/reports/{report['id']}")
    point = page.locator(f"[data-testid=report-map] path[data-report-id='{report['id']}']")
    expect(point).to_be_attached()
    screenshot(page, "console-report-map")

    page.goto("/console/#/stats")
    hot = page.locator(f"[data-testid=hotspot-map] path[data-grid-code='{GRID_CODE}']")
    expect(hot).to_be_attached()
    expect(page.locator("[data-testid=hotspot-map] + p")).to_contain_text(GRID_NAME)
    screenshot(page, "console-hotspots")
