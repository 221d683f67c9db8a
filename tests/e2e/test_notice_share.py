"""Passing on a notice: the share sheet, the clipboard when there is none or it fails, and a
toast that says so when nothing could be shared (then nothing is counted)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_client import COORDINATOR, ApiClient, Rider
from tests.e2e.conftest import ContextFactory, log_in, screenshot

pytestmark = pytest.mark.e2e

# What the phone's share sheet does, set before the app loads: `window.__shared` keeps each
# call. "abort" is the rider closing the sheet; "refuse" a browser that will not share.
SHARE_SHEET = """
(outcome) => {
  window.__shared = [];
  if (outcome === "missing") { delete Navigator.prototype.share; return; }
  navigator.share = async (data) => {
    window.__shared.push(data.url);
    if (outcome === "abort") throw new DOMException("closed", "AbortError");
    if (outcome === "refuse") throw new DOMException("no", "NotAllowedError");
  };
}
"""
NO_CLIPBOARD = "() => { delete Navigator.prototype.clipboard; }"


def _notice(api: ApiClient) -> dict[str, Any]:
    return dict(
        api.call(
            "POST",
            "/notices",
            as_user=COORDINATOR,
            json={"title": "文明骑行倡议", "body": "不闯红灯，不逆行。", "area_code": "341126100"},
        )
    )


def _open_notice(
    new_context: ContextFactory, rider: Rider, notice: dict[str, Any], *scripts: tuple[str, str]
) -> Page:
    context = new_context()
    for script, argument in scripts:
        context.add_init_script(f"({script})({argument!r})")
    page = context.new_page()
    log_in(page, rider.phone)
    page.goto(f"/#/notices/{notice['id']}")
    expect(page.locator(".notice-body")).to_contain_text("不闯红灯")
    return page


def _shared_at(api: ApiClient, rider: Rider, notice: dict[str, Any]) -> Any:
    return api.as_rider(rider, "GET", f"/notices/{notice['id']}")["shared_at"]


def test_the_share_sheet_shares_and_counts_it(new_context: ContextFactory, api: ApiClient) -> None:
    notice, rider = _notice(api), api.active_rider()
    page = _open_notice(new_context, rider, notice, (SHARE_SHEET, "ok"))
    page.get_by_role("button", name="转发给骑友").click()
    expect(page.locator("#toast")).to_contain_text("已转发，谢谢传播")
    assert page.evaluate("window.__shared") == [f"{page.url.split('#')[0]}#/notices/{notice['id']}"]
    assert _shared_at(api, rider, notice) is not None


def test_closing_the_share_sheet_says_nothing_was_shared(
    new_context: ContextFactory, api: ApiClient
) -> None:
    notice, rider = _notice(api), api.active_rider()
    page = _open_notice(new_context, rider, notice, (SHARE_SHEET, "abort"))
    page.get_by_role("button", name="转发给骑友").click()
    expect(page.locator("#toast")).to_have_text("已取消，未转发")
    assert _shared_at(api, rider, notice) is None


def test_a_refused_share_sheet_falls_back_to_the_clipboard(
    new_context: ContextFactory, api: ApiClient
) -> None:
    notice, rider = _notice(api), api.active_rider()
    page = _open_notice(new_context, rider, notice, (SHARE_SHEET, "refuse"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="转发给骑友").click()
    expect(page.locator("#toast")).to_contain_text("链接已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"#/notices/{notice['id']}")
    assert _shared_at(api, rider, notice) is not None


def test_a_phone_that_can_neither_share_nor_copy_is_told_so(
    new_context: ContextFactory, api: ApiClient
) -> None:
    notice, rider = _notice(api), api.active_rider()
    page = _open_notice(new_context, rider, notice, (SHARE_SHEET, "missing"), (NO_CLIPBOARD, ""))
    page.get_by_role("button", name="转发给骑友").click()
    toast = page.locator("#toast")
    expect(toast).to_contain_text("没能转发")
    expect(toast).to_contain_text(f"#/notices/{notice['id']}")
    screenshot(page, "36-notice-share-failed")
    assert _shared_at(api, rider, notice) is None
