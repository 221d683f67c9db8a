"""The outbox: reports made offline survive a reload and reach the server exactly once."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.api_client import ApiClient, Rider
from tests.e2e.conftest import screenshot
from tests.e2e.flows import outbox_items, report_in_three_taps, wait_until_sent
from tests.photos.factories import FIXTURE_PHOTOS_DIR

pytestmark = pytest.mark.e2e

PHOTO = FIXTURE_PHOTOS_DIR / "jpg/orientation/landscape_3.jpg"


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
    answers_dropped = []

    def drop_first_answer(route):  # the server gets the report; the phone never hears back
        if not answers_dropped:
            route.fetch()
            answers_dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/reports", drop_first_answer)
    report_in_three_taps(page, PHOTO, "暴露垃圾")
    expect(outbox_items(page, "waiting")).to_have_count(1)
    assert len(api.reports_of(rider)) == 1

    # Coming back online sends it again at once; the server answers with the report it made.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until_sent(page, 1)
    assert answers_dropped
    assert len(api.reports_of(rider)) == 1
