"""Weight: the app's first load, service worker precache included, transfers at most 150 KB."""

import json
from typing import Any

import pytest
from playwright.sync_api import Request

from tests.e2e.conftest import PROJECT_ROOT, ContextFactory

pytestmark = pytest.mark.e2e

FIRST_LOAD_BUDGET_BYTES = 150 * 1024
REPORT_FILE = PROJECT_ROOT / "test-artifacts" / "first-load.json"


def test_first_load_transfers_at_most_150_kb_compressed(new_context: ContextFactory) -> None:
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
    worker_requests: list[Request] = []
    context.on("requestfinished", lambda r: worker_requests.append(r) if r.service_worker else None)

    page.goto("/")
    # Ready means installed and activated: the shell is precached and every fetch has ended.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")

    worker_bytes = sum(_transferred(request) for request in worker_requests)
    total_bytes = sum(page_bytes.values()) + worker_bytes
    big_uncompressed = [
        urls[rid] for rid, size in page_bytes.items() if size > 2048 and not encodings.get(rid)
    ]
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(
        json.dumps(
            {
                "page_requests": len(page_bytes),
                "page_bytes": sum(page_bytes.values()),
                "service_worker_requests": len(worker_requests),
                "service_worker_bytes": worker_bytes,
                "total_bytes": total_bytes,
                "budget_bytes": FIRST_LOAD_BUDGET_BYTES,
            },
            indent=2,
        )
    )
    assert page_bytes, "the CDP session saw no responses"
    assert worker_requests, "the service worker precached nothing"
    assert not [u for u in big_uncompressed if not u.endswith(".png")], big_uncompressed
    assert total_bytes <= FIRST_LOAD_BUDGET_BYTES, f"first load {total_bytes} bytes"


def _transferred(request: Request) -> int:
    sizes = request.sizes()
    # A revalidated (304) response reports a negative body size: only its headers came.
    return max(0, sizes["responseBodySize"]) + sizes["responseHeadersSize"]
