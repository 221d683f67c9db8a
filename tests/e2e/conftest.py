"""Browser-test fixtures: one live server per session, Debian's Chromium driven by Playwright,
a fresh browser context (storage, service worker) per test, sized like a 360 px phone."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from tests.e2e.api_client import RIDER_PASSWORD, ApiClient, Rider
from tests.e2e.server import LiveServer, live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1366, "height": 860}
# Inside grid 341126100001001 (凤凰熙岸小区网格) of the demo county, WGS-84.
GRID_POINT = {"latitude": 32.854, "longitude": 117.5325, "accuracy": 12}
GRID_NAME = "凤凰熙岸小区网格"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
UI_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("e2e-server")) as running:
        yield running


@pytest.fixture(scope="session")
def api(server: LiveServer) -> ApiClient:
    return ApiClient(server.url)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


ContextFactory = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser, server: LiveServer) -> Iterator[ContextFactory]:
    """Open phone-sized contexts on the live server; `located` grants a fix in the demo grid."""
    yield from phone_contexts(browser, server)


def phone_contexts(browser: Browser, server: LiveServer) -> Iterator[ContextFactory]:
    """Yield a factory of phone-sized contexts; closes them all when resumed."""
    opened: list[BrowserContext] = []

    def open_context(*, located: bool = True, locale: str = "zh-CN") -> BrowserContext:
        options: dict[str, object] = {
            "base_url": server.url,
            "viewport": PHONE_VIEWPORT,
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
            "locale": locale,
            "service_workers": "allow",
        }
        if located:
            options |= {"geolocation": GRID_POINT, "permissions": ["geolocation"]}
        context = browser.new_context(**options)  # type: ignore[arg-type]
        context.set_default_timeout(UI_TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context: ContextFactory) -> Iterator[Page]:
    """A page in a located phone context; fails the test on any uncaught script error."""
    context = new_context()
    yield from _watched_page(context)


def _watched_page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"uncaught script errors: {errors}"


OpenPage = Callable[[], Page]


@pytest.fixture
def desk(browser: Browser, server: LiveServer) -> Iterator[OpenPage]:
    """Open desktop pages (the console) on the live server, each in its own context (its own
    login); fails the test on an uncaught script error or any alert() the page opens."""
    contexts = []
    problems: list[str] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="zh-CN")
        context.set_default_timeout(UI_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("dialog", lambda dialog: problems.append(f"{dialog.type}: {dialog.message}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def rider(api: ApiClient) -> Rider:
    """A new approved rider."""
    return api.active_rider()


@pytest.fixture
def rider_page(page: Page, rider: Rider) -> Page:
    """A page logged in as `rider`, on the home screen."""
    log_in(page, rider.phone)
    return page


def log_in(page: Page, phone: str, password: str = RIDER_PASSWORD) -> None:
    """Log in through the login screen and wait for the home screen."""
    page.goto("/#/login")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.locator("#camera-input").wait_for(state="attached")
    # The home screen fetches the categories, the grid outlines and the map's files and keeps
    # them for offline use; tests that go offline right after logging in need them kept first,
    # as a rider's phone would have.
    page.wait_for_function("() => localStorage.getItem('tantou.categories') !== null")
    page.wait_for_function(MAP_KEPT_JS)


# True once the phone holds the grid outlines (IndexedDB) and the service worker the map library.
MAP_KEPT_JS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("tantou");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const outlines = await new Promise((resolve) => {
    const request = db.transaction("meta").objectStore("meta").get("outlines");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
  db.close();
  return Boolean(outlines) && Boolean(await caches.match("/vendor/leaflet/leaflet.js"));
}"""


def screenshot(page: Page, name: str) -> Path:
    """Save what the phone shows as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
