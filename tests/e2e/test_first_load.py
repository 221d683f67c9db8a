"""Weight: the app's first load, service worker precache included, transfers at most 150 KB; the
map (Leaflet and the map module) is not part of it, and is kept for offline use once a rider is
logged in, within its own budget."""

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Request

from tests.e2e.api_client import Rider
from tests.e2e.conftest import PROJECT_ROOT, ContextFactory, log_in
from tests.e2e.shell_files import listed_paths

pytestmark = pytest.mark.e2e

FIRST_LOAD_BUDGET_BYTES = 150 * 1024
MAP_BUDGET_BYTES = 60 * 1024
REPORT_FILE = PROJECT_ROOT / "test-artifacts" / "first-load.json"


def test_first_load_transfers_at_most_150_kb_compressed(
    new_context: ContextFactory, rider: Rider
) -> None:
    context = new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    page_bytes: dict[str, int] = {}
    encodings: dict[str, str | None] = {}
    urls: dict[str, str] = {}

    def response_received(event: dict[str, Any]) -> None:
        urls[event["requestId"]] = event["response"]["url"]
        encodings[event["requestId"]] = event["response"]["headers"].get("content-encoding")

    cdp.on("Network.responseReceived", response_received)
    cdp.on(
        "Network.loadingFinished",
        lambda event: page_bytes.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    finished: list[Request] = []
    context.on("requestfinished", lambda request: finished.append(request))

    page.goto("/")
    # Ready means installed and activated: the shell is precached and every fetch has ended.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")

    worker_requests = [request for request in finished if request.service_worker]
    worker_bytes = sum(_transferred(request) for request in worker_requests)
    total_bytes = sum(page_bytes.values()) + worker_bytes
    big_uncompressed = [
        urls[rid] for rid, size in page_bytes.items() if size > 2048 and not encodings.get(rid)
    ]
    first_load = {
        "page_requests": len(page_bytes),
        "page_bytes": sum(page_bytes.values()),
        "service_worker_requests": len(worker_requests),
        "service_worker_bytes": worker_bytes,
        "total_bytes": total_bytes,
        "budget_bytes": FIRST_LOAD_BUDGET_BYTES,
    }
    map_paths = set(listed_paths("MAP"))
    first_load_urls = [*urls.values(), *(request.url for request in worker_requests)]
    map_in_first_load = [url for url in first_load_urls if urlsplit(url).path in map_paths]

    # Logged in, the home screen has the service worker keep the map for offline use.
    already_seen = len(finished)
    log_in(page, rider.phone)
    # The worker fetches them in the background: wait until its cache holds every one.
    page.wait_for_function(
        """async (paths) => {
            const held = await Promise.all(paths.map((path) => caches.match(path)));
            return held.every(Boolean);
        }""",
        arg=sorted(map_paths),
    )
    map_requests = [r for r in finished[already_seen:] if urlsplit(r.url).path in map_paths]
    map_bytes = sum(_transferred(request) for request in map_requests)
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(
        json.dumps(
            {
                **first_load,
                "map_requests": len(map_requests),
                "map_bytes": map_bytes,
                "map_budget_bytes": MAP_BUDGET_BYTES,
            },
            indent=2,
        )
    )
    assert page_bytes, "the CDP session saw no responses"
    assert worker_requests, "the service worker precached nothing"
    assert not [u for u in big_uncompressed if not u.endswith(".png")], big_uncompressed
    assert total_bytes <= FIRST_LOAD_BUDGET_BYTES, f"first load {total_bytes} bytes"
    assert map_in_first_load == []
    assert {urlsplit(r.url).path for r in map_requests} == map_paths
    assert map_bytes <= MAP_BUDGET_BYTES, f"the map {map_bytes} bytes"


def _transferred(request: Request) -> int:
    sizes = request.sizes()
    # A revalidated (304) response reports a negative body size: only its headers came.
    return max(0, sizes["responseBodySize"]) + sizes["responseHeadersSize"]
