"""What becomes of a report: a rejection's reason, notifications, the after photos, a check by
another rider, the rating and "not fixed" once closed."""

import pytest
from playwright.sync_api import FilePayload, Page, Route, expect

from tests.e2e.api_client import COORDINATOR, UNIT, UNIT_CODE, ApiClient, Rider
from tests.e2e.conftest import ContextFactory, log_in, screenshot
from tests.photos.factories import FENGYANG_LON_LAT, make_jpeg

pytestmark = pytest.mark.e2e

REJECTION_REASON = "不属于本网格管辖，请拨打 12345 热线"
# Photos are redacted after the report is answered; an open page redraws them once they are.
REDACTED_TIMEOUT_MS = 15_000


def _photo() -> bytes:
    return make_jpeg(800, 600, gps=FENGYANG_LON_LAT)


def test_rejected_report_shows_its_reason_and_a_notification(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    report = api.report_as(rider, _photo())
    api.call(
        "POST",
        f"/reports/{report['id']}/reject",
        as_user=COORDINATOR,
        json={"reason": REJECTION_REASON},
    )
    page = rider_page
    page.reload()
    badge = page.locator("#unread-badge")
    expect(badge).to_be_visible()
    page.locator("#bell").click()
    message = page.locator(".message.unread", has_text=f"上报未受理 #{report['id']}")
    expect(message).to_contain_text(REJECTION_REASON)
    screenshot(page, "30-notifications")
    message.click()

    expect(page.locator(".status-banner")).to_contain_text("未受理")
    expect(page.locator(".rejection-reason")).to_have_text(REJECTION_REASON)
    screenshot(page, "31-report-rejected")


def test_a_photo_still_being_redacted_shows_itself_once_it_is(
    rider_page: Page, rider: Rider, api: ApiClient
) -> None:
    report = api.report_as(rider, _photo())
    answers: list[str] = []

    def first_one_pending(route: Route) -> None:
        # The first look finds the photo as an upload leaves it: pending, without links.
        response = route.fetch()
        if answers:
            route.fulfill(response=response)
            return
        body = response.json()
        for photo in body["photos"]:
            photo.update(ready=False, redaction="pending", url=None, thumbnail_url=None)
        answers.append("pending")
        route.fulfill(response=response, json=body)

    page = rider_page
    page.route(f"**/api/v1/reports/{report['id']}", first_one_pending)
    page.goto(f"/#/reports/{report['id']}")
    expect(page.locator(".photo-grid .photo-waiting")).to_have_text("照片打码处理中")

    # Without a reload, the page asks again and shows the redacted photo.
    photo = page.locator(".photo-grid img")
    expect(photo).to_be_visible(timeout=REDACTED_TIMEOUT_MS)
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") > 0
    expect(page.locator(".photo-grid .photo-waiting")).to_have_count(0)
    assert answers == ["pending"]


def test_closed_case_shows_after_photos_and_takes_a_rating_and_not_fixed(
    new_context: ContextFactory, api: ApiClient
) -> None:
    reporter = api.active_rider()
    checker = api.active_rider()
    report_id = api.report_as(reporter, _photo())["id"]
    api.report_as(checker, _photo())  # the checker reported there last: the nearest rider
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
        files=[("photo", ("after.jpg", _photo(), "image/jpeg"))],
    )

    # Another rider who reported there checks the place with a photo; the task says how far.
    checker_page = new_context().new_page()
    log_in(checker_page, checker.phone)
    checker_page.get_by_role("link", name="任务", exact=True).click()
    card = checker_page.locator(".task-card", has_text="去核查").first
    expect(card.locator(".task-distance")).to_contain_text("距您上次上报处约 0 米")
    card.click()
    check_photo: FilePayload = {"name": "check.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    checker_page.locator("#verify-photo").set_input_files(files=[check_photo])
    checker_page.get_by_label("现场情况（可选）").fill("已清理干净")
    screenshot(checker_page, "32-verification")
    checker_page.get_by_role("button", name="提交核查结果").click()
    expect(checker_page.locator("#toast")).to_have_text("核查结果已提交，谢谢！")
    checks = api.call("GET", "/verifications", as_user=COORDINATOR, params={"status": "submitted"})
    assert report_id in [check["report_id"] for check in checks["items"]]

    api.call("POST", f"/reports/{report_id}/verify", as_user=COORDINATOR, json={"approved": True})
    page = new_context().new_page()
    log_in(page, reporter.phone)
    page.goto(f"/#/reports/{report_id}")
    expect(page.locator(".status-banner")).to_contain_text("已办结")
    expect(page.get_by_role("heading", name="处置后照片")).to_be_visible()
    page.get_by_role("button", name="5 星").click()
    page.locator("#rating-comment").fill("处理及时，点赞")
    screenshot(page, "33-report-closed-rating")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".feedback")).to_contain_text("感谢你的评价！")

    # Back on the case later, the rating given is shown, not asked for again.
    page.reload()
    expect(page.get_by_role("heading", name="你的评价")).to_be_visible()
    expect(page.get_by_role("img", name="已评 5 星")).to_be_visible()
    expect(page.locator(".given-comment")).to_have_text("处理及时，点赞")
    expect(page.locator(".given-rating .star.lit")).to_have_count(5)
    expect(page.get_by_role("button", name="提交评价")).to_have_count(0)
    page.locator(".given-rating").scroll_into_view_if_needed()
    screenshot(page, "34-report-rating-given")

    page.get_by_role("button", name="问题没有解决？").click()
    page.locator("#reopen-reason").fill("垃圾又堆起来了")
    page.get_by_role("button", name="反馈未解决").click()
    expect(page.locator(".status-banner")).to_contain_text("已受理")
    assert api.as_rider(reporter, "GET", f"/reports/{report_id}")["status"] == "accepted"


def test_rider_reads_acknowledges_and_passes_on_a_notice(
    new_context: ContextFactory, api: ApiClient
) -> None:
    notice = api.call(
        "POST",
        "/notices",
        as_user=COORDINATOR,
        json={
            "title": "电动车安全充电提示",
            "body": "请勿在楼道、门厅充电。\n发现飞线充电请随手拍上报。",
            "area_code": "341126100",
        },
    )
    rider = api.active_rider()
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, rider.phone)
    page.get_by_role("link", name="任务", exact=True).click()
    # Other tests in the shared server post notices with this title too.
    notice_card = page.locator(f'.task-card[href="#/notices/{notice["id"]}"]')
    expect(notice_card).to_contain_text("未读")
    screenshot(page, "35-tasks")
    notice_card.click()
    expect(page.locator(".notice-body")).to_contain_text("请勿在楼道、门厅充电。")
    screenshot(page, "34-notice")

    page.get_by_role("button", name="已阅读并知晓").click()
    expect(page.locator("#notice-ack")).to_have_text("已学习")
    page.get_by_role("button", name="转发给骑友").click()
    expect(page.locator("#toast")).to_contain_text("链接已复制")

    receipt = api.as_rider(rider, "GET", f"/notices/{notice['id']}")
    assert receipt["read_at"] is not None
    assert receipt["shared_at"] is not None
