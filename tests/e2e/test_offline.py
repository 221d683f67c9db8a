"""The outbox: reports made offline survive a reload and reach the server exactly once."""

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.api_client import ApiClient, Rider
from tests.e2e.conftest import GRID_NAME, log_in, screenshot
from tests.e2e.flows import outbox_items, queued_reports, report_in_three_taps, wait_until_sent
from tests.photos.factories import FIXTURE_PHOTOS_DIR

pytestmark = pytest.mark.e2e

PHOTO = FIXTURE_PHOTOS_DIR / "jpg/orientation/landscape_3.jpg"
# How many entries the phone keeps for reading offline (the IndexedDB store "reading").
KEPT_READINGS = """() => new Promise((resolve) => {
  indexedDB.open("tantou").onsuccess = ({ target: { result: db } }) => {
    db.transaction("reading").objectStore("reading").count().onsuccess = ({ target }) => {
      resolve(target.result);
      db.close();
    };
  };
})"""


def _wait_for_service_worker(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def test_two_reports_made_offline_survive_a_reload_and_arrive_exactly_once(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    page = rider_page
    context: BrowserContext = page.context
    _wait_for_service_worker(page)
    context.set_offline(True)
    expect(page.locator("#net-status")).to_be_visible()

    report_in_three_taps(page, PHOTO, "暴露垃圾")
    report_in_three_taps(page, PHOTO, "不文明行为")
    expect(outbox_items(page, "waiting")).to_have_count(2)
    screenshot(page, "08-offline-waiting")

    page.reload()  # still offline: the service worker serves the app shell
    expect(outbox_items(page, "waiting")).to_have_count(2)
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert api.reports_of(rider) == []

    context.set_offline(False)
    wait_until_sent(page, 2)
    reports = api.reports_of(rider)
    assert sorted(r["category"] for r in reports) == ["0102", "0603"]
    # Reloading once more replays nothing: the outbox is empty and the server still has two.
    page.reload()
    expect(page.locator(".outbox-item")).to_have_count(0)
    assert len(api.reports_of(rider)) == 2


def test_a_report_whose_answer_was_lost_is_replayed_without_a_duplicate(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    page = rider_page
    page.context.set_offline(True)
    report_in_three_taps(page, PHOTO, "暴露垃圾")
    [queued] = queued_reports(page)
    # The first attempt reached the server, but its answer never came back to the phone.
    api.as_rider(
        rider,
        "POST",
        "/reports",
        data=queued.fields,
        files=[("photo", (p.name, p.content, p.type)) for p in queued.photos],
    )
    assert len(api.reports_of(rider)) == 1

    page.context.set_offline(False)
    wait_until_sent(page, 1)
    [report] = api.reports_of(rider)
    assert report["category"] == "0102"


def test_a_server_fault_keeps_the_report_queued_until_the_server_recovers(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    page = rider_page
    faults: list[str] = []

    def fail_once(route: Route) -> None:
        if faults:
            route.continue_()
        else:
            faults.append(route.request.url)
            route.fulfill(status=503, content_type="application/problem+json", body="{}")

    page.route("**/api/v1/reports", fail_once)
    report_in_three_taps(page, PHOTO, "暴露垃圾")
    expect(outbox_items(page, "waiting")).to_have_count(1)
    assert api.reports_of(rider) == []

    # The network "returns": the back-off is skipped and the report goes.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until_sent(page, 1)
    assert faults
    assert len(api.reports_of(rider)) == 1


def test_a_report_queued_when_the_session_expired_goes_after_logging_in_again(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    page = rider_page
    page.context.set_offline(True)
    report_in_three_taps(page, PHOTO, "暴露垃圾")
    # The token expires where both the page and the service worker keep it.
    page.evaluate("async () => (await import('/js/token.js')).setToken('expired-or-forged')")

    page.context.set_offline(False)

    # The page or the service worker (Background Sync) sends; when the worker holds the outbox,
    # the page looks again after its busy re-check (3 s), so allow for both.
    expect(page.get_by_role("heading", name="骑手登录")).to_be_visible(timeout=15_000)
    assert api.reports_of(rider) == []
    log_in(page, rider.phone)
    wait_until_sent(page, 1)
    assert len(api.reports_of(rider)) == 1


def test_the_location_line_finds_the_grid_once_the_phone_is_back_online(
    rider_page: Page,
) -> None:
    page = rider_page
    _wait_for_service_worker(page)
    page.context.set_offline(True)
    page.reload()  # offline from the start: the grid cannot be looked up yet
    line = page.locator(".location-line")
    expect(line).to_contain_text("网格待联网后确定")
    screenshot(page, "09-location-line-offline")
    page.context.set_offline(False)
    expect(line).to_contain_text(GRID_NAME)
    expect(line).not_to_contain_text("网格待联网后确定")


def test_past_reports_read_online_can_be_read_offline_marked_as_such(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    page = rider_page
    report = api.report_as(rider, PHOTO.read_bytes())
    _wait_for_service_worker(page)
    page.goto("/#/reports")
    card = page.locator(f'.report-card[data-report-id="{report["id"]}"]')
    expect(card).to_be_visible()
    card.click()
    expect(page.locator(".status-banner")).to_contain_text("待受理")
    expect(page.locator(".offline-note")).to_have_count(0)

    page.context.set_offline(True)
    page.goto("/#/reports")
    page.reload()  # offline from the start: only what the phone kept
    note = page.locator(".offline-note")
    expect(note).to_contain_text("离线")
    expect(card).to_be_visible()
    screenshot(page, "09-reports-offline")
    card.click()
    expect(page.locator(".offline-note")).to_contain_text("离线")
    expect(page.locator(".status-banner")).to_contain_text("待受理")
    expect(page.locator(".timeline li")).not_to_have_count(0)
    page.context.set_offline(False)


def test_logging_out_forgets_the_reports_kept_for_offline(rider_page: Page, api: ApiClient) -> None:
    page = rider_page
    page.goto("/#/reports")
    expect(page.locator(".list-more")).not_to_contain_text("加载中")
    page.wait_for_function(f"({KEPT_READINGS})().then((n) => n > 0)")
    page.get_by_role("link", name="我的", exact=True).click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="骑手登录")).to_be_visible()
    page.wait_for_function(f"({KEPT_READINGS})().then((n) => n === 0)")
