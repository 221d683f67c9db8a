"""The installable shell: manifest, precache list and version, texts per language, no markup
from data, and a service worker that caches the shell but never the API."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_client import ApiClient
from tests.e2e.conftest import ContextFactory, log_in
from tests.e2e.flows import report_in_three_taps, wait_until_sent
from tests.e2e.shell_files import (
    RIDER_DIR,
    SHARED_DIR,
    declared_version,
    expected_version,
    precached_paths,
    shell_paths_on_disk,
)
from tests.photos.factories import FIXTURE_PHOTOS_DIR

pytestmark = pytest.mark.e2e

I18N_DIR = RIDER_DIR / "js" / "i18n"


def test_service_worker_precaches_exactly_the_shell_files() -> None:
    listed = precached_paths()
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert set(listed) == shell_paths_on_disk()


def test_service_worker_version_changes_with_the_shell() -> None:
    assert declared_version() == expected_version(), (
        f'the shell changed: set VERSION = "{expected_version()}" in frontend/rider/sw.js'
    )


def _texts(language: str) -> dict[str, str]:
    source = (I18N_DIR / f"{language}.js").read_text(encoding="utf-8")
    return dict(re.findall(r'^\s*"([^"]+)": "((?:[^"\\]|\\.)*)",$', source, re.M))


def test_every_text_exists_in_both_languages_and_every_used_key_is_defined() -> None:
    chinese, english = _texts("zh-CN"), _texts("en")
    assert chinese.keys() == english.keys()
    used = {
        key
        for path in (RIDER_DIR / "js").rglob("*.js")
        if path.parent != I18N_DIR
        for key in re.findall(r'\bt\(\s*"([^"]+)"', path.read_text(encoding="utf-8"))
    }
    assert used - chinese.keys() == set()


def test_no_script_writes_markup() -> None:
    offenders = [
        path.name
        for path in [*RIDER_DIR.rglob("*.js"), *SHARED_DIR.rglob("*.js")]
        if re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", path.read_text())
    ]
    assert offenders == []


def test_manifest_makes_the_app_installable(page: Page) -> None:
    page.goto("/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href
    manifest = json.loads(page.request.get(href).text())
    assert manifest["name"] == "探头"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert manifest["theme_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).headers["content-type"] == "image/png"


def test_service_worker_caches_the_shell_but_no_api_request(
    new_context: ContextFactory, api: ApiClient
) -> None:
    rider = api.active_rider()
    page = new_context().new_page()
    log_in(page, rider.phone)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    report_in_three_taps(page, FIXTURE_PHOTOS_DIR / "jpg/orientation/landscape_3.jpg", "暴露垃圾")
    wait_until_sent(page, 1)
    page.get_by_role("link", name="我的上报").click()
    expect(page.locator(".report-card")).to_have_count(1)

    cached = page.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
          }
          return urls;
        }"""
    )
    paths = {re.sub(r"^https?://[^/]+", "", url) for url in cached}
    assert paths == set(precached_paths())
    assert not [p for p in paths if p.startswith("/api/")]
