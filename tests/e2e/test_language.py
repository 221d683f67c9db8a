"""Chinese by default, English on request, remembered across reloads."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_app_starts_in_chinese_and_switches_to_english_and_back(rider_page: Page) -> None:
    page = rider_page
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".snap-label")).to_have_text("随手拍")

    page.get_by_role("button", name="切换到English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".snap-label")).to_have_text("Snap")
    expect(page.get_by_role("link", name="My reports")).to_be_visible()
    screenshot(page, "12-home-english")
    page.reload()
    expect(page.locator(".snap-label")).to_have_text("Snap")
    page.get_by_role("link", name="Me", exact=True).click()
    screenshot(page, "13-me-english")
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="我的", exact=True)).to_be_visible()
