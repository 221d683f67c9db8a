"""A refused report's reason reads in the app's language, not the phone's: the app asks the
server for it (Accept-Language), so a rider on an English phone reads Chinese in the Chinese app,
and English once they switch the app to English."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.core.test_messages import english_runs
from tests.e2e.api_client import ApiClient, Rider
from tests.e2e.conftest import ContextFactory, log_in, screenshot
from tests.e2e.flows import outbox_items, report_in_three_taps

pytestmark = pytest.mark.e2e

REASON_ZH = "photo[0]：只接受 JPEG、PNG、WebP 和 HEIC 格式的照片。"
REASON_EN = "photo[0]: Only JPEG, PNG, WebP and HEIC photos are accepted."


def test_a_refused_reports_reason_is_chinese_on_an_english_phone_and_english_on_request(
    new_context: ContextFactory, rider: Rider, api: ApiClient, tmp_path: Path
) -> None:
    page = new_context(locale="en-US").new_page()  # the phone speaks English
    log_in(page, rider.phone)
    fake = tmp_path / "not-a-photo.jpg"
    fake.write_text("这不是照片\n" * 20)

    with page.expect_response(lambda r: r.url.endswith("/api/v1/reports")) as answer:
        report_in_three_taps(page, fake, "店外经营")

    assert answer.value.status == 415
    assert answer.value.request.headers["accept-language"] == "zh-CN"
    reason = outbox_items(page, "refused").locator(".refusal-detail")
    expect(reason).to_have_text(REASON_ZH)
    assert english_runs(reason.inner_text()) == []
    screenshot(page, "refusal-in-chinese-on-an-english-phone")
    outbox_items(page, "refused").get_by_role("button", name="知道了，删除").click()
    expect(outbox_items(page, "refused")).to_have_count(0)

    page.get_by_role("button", name="切换到English").click()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/reports")) as answer:
        report_in_three_taps(page, fake, "Trading outside the shop")

    assert answer.value.request.headers["accept-language"] == "en"
    expect(outbox_items(page, "refused").locator(".refusal-detail")).to_have_text(REASON_EN)
    assert api.reports_of(rider) == []
