"""Both web apps and /docs in Chromium under the strict CSP: they still work, nothing is
refused, /docs asks no other origin for anything, and logging out ends the session on the
server (the token copied before is refused afterwards)."""

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect

from tests.e2e.api_client import COORDINATOR, ApiClient, Rider
from tests.e2e.conftest import DESKTOP, UI_TIMEOUT_MS, log_in
from tests.e2e.server import LiveServer
from tests.e2e.test_console import PHOTO, console_login

pytestmark = pytest.mark.e2e

REVOKED_DEADLINE_MS = 10_000
DOCS_RENDER_TIMEOUT_MS = 30_000  # Swagger UI lays out every operation of a large schema


class Watch:
    """What a page did that the CSP or an origin check would object to."""

    def __init__(self, page: Page, origin: str) -> None:
        self.refused: list[str] = []
        self.elsewhere: list[str] = []
        self._origin = origin
        page.on("console", self._on_console)
        page.on("request", self._on_request)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def _on_request(self, request: Request) -> None:
        if not request.url.startswith((self._origin, "data:", "blob:")):
            self.elsewhere.append(request.url)


@pytest.fixture
def watched(browser: Browser, server: LiveServer) -> Iterator[Callable[[], tuple[Page, Watch]]]:
    contexts = []

    def open_page() -> tuple[Page, Watch]:
        context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="zh-CN")
        context.set_default_timeout(UI_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        return page, Watch(page, server.url)

    yield open_page
    for context in contexts:
        context.close()


def _token_of_login(page: Page, log_in_now: Callable[[], None]) -> str:
    with page.expect_response("**/api/v1/auth/token") as login:
        log_in_now()
    token: str = login.value.json()["access_token"]
    return token


def _assert_revoked_soon(page: Page, server: LiveServer, token: str) -> None:
    """The app logs out on the server without blocking its UI: wait for the 401."""
    status = page.evaluate(
        """async ([token, deadlineMs]) => {
          const until = Date.now() + deadlineMs;
          for (;;) {
            const r = await fetch("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
            if (r.status !== 200 || Date.now() > until) return r.status;
            await new Promise((resolve) => requestAnimationFrame(resolve));
          }
        }""",
        [token, REVOKED_DEADLINE_MS],
    )
    assert status == 401
    me = httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_the_rider_app_works_under_the_csp_and_logging_out_ends_the_session(
    watched: Callable[[], tuple[Page, Watch]], server: LiveServer, rider: Rider
) -> None:
    page, watch = watched()
    token = _token_of_login(page, lambda: log_in(page, rider.phone))
    for route in ("/#/reports", "/#/points", "/#/tasks", "/#/me"):
        page.goto(route)
        page.locator("#main").wait_for()
    expect(page.locator("button.logout")).to_be_visible()
    page.locator("button.logout").click()
    page.get_by_label("手机号").wait_for()
    _assert_revoked_soon(page, server, token)
    assert watch.refused == []
    assert watch.elsewhere == []


def test_the_console_works_under_the_csp_and_logging_out_ends_the_session(
    watched: Callable[[], tuple[Page, Watch]], server: LiveServer, api: ApiClient, rider: Rider
) -> None:
    api.report_as(rider, PHOTO.read_bytes())  # so that a figure has a bar longer than zero
    page, watch = watched()
    token = _token_of_login(page, lambda: console_login(page, COORDINATOR))
    page.goto("/console/#/stats")
    # The bars' lengths are styles set by script: they show only if the CSP let them through.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.bar-fill')].some((bar) => bar.offsetWidth > 0)"
    )
    page.goto("/console/#/queue")
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for()
    _assert_revoked_soon(page, server, token)
    assert watch.refused == []
    assert watch.elsewhere == []


def test_the_docs_render_from_this_server_alone(
    watched: Callable[[], tuple[Page, Watch]],
) -> None:
    page, watch = watched()
    page.goto("/docs")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/auth/token")
    expect(operation).to_be_visible(timeout=DOCS_RENDER_TIMEOUT_MS)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("探头 Tantou")
    assert watch.refused == []
    assert watch.elsewhere == []
