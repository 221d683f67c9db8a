"""Web Push in the rider app: the rider turns it on in 我的 (the browser asks its permission
on the tap), the server's encrypted push for a step of their case arrives at a push service on
loopback, and the service worker shows it as a notification, in Chinese, that opens the report.

Chromium here can reach no push service (and refuses push registration in the test's
incognito-like contexts), so `PushManager.subscribe` is stood in for by a subscription whose
endpoint is that loopback push service and whose keys the test holds; the message the server
encrypted is decrypted with them and handed to the service worker through the DevTools
protocol (ServiceWorker.deliverPushMessage), as the browser's push service would hand it."""

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api_client import COORDINATOR, ApiClient, Rider
from tests.e2e.conftest import ContextFactory, log_in, screenshot
from tests.e2e.server import LiveServer
from tests.photos.factories import make_jpeg
from tests.push.device import Device
from tests.push.factories import messages_at
from tests.waiting import eventually
from tests.webhooks.receiver import Receiver, receiver_on

# A stand-in for the browser's registration at its push service (see the module's docstring).
STAND_IN_SUBSCRIBE = """
(device) => {
  let current = null;
  PushManager.prototype.subscribe = async function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.__applicationServerKey = btoa(String.fromCharCode(...key))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    current = {
      endpoint: device.endpoint,
      expirationTime: null,
      toJSON: () => device,
      unsubscribe: async () => { current = null; return true; },
    };
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
}
"""


@pytest.fixture
def push_service() -> Iterator[Receiver]:
    with receiver_on() as receiver:
        yield receiver


def test_the_rider_turns_push_on_and_the_service_worker_shows_a_case_step(
    new_context: ContextFactory,
    server: LiveServer,
    api: ApiClient,
    rider: Rider,
    push_service: Receiver,
) -> None:
    device = Device(push_service.url("/push/rider-phone"))
    context = new_context()
    context.grant_permissions(["notifications"], origin=server.url)
    context.add_init_script(f"({STAND_IN_SUBSCRIBE})({json.dumps(device.subscription())})")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, rider.phone)
    page.goto("/#/me")
    toggle = page.get_by_role("switch", name="消息推送")
    expect(page.locator("#push-state")).to_have_text(
        "未开启：打开后，案件进展和附近核查任务会推送到本机"
    )
    toggle.click()
    expect(toggle).to_be_checked()
    expect(page.locator("#push-state")).to_have_text("已开启：案件有新进展时推送到本机")
    screenshot(page, "push-on")
    server_key = api.as_rider(rider, "GET", "/push/key")["public_key"]
    assert page.evaluate("window.__applicationServerKey") == server_key
    [kept] = api.as_rider(rider, "GET", "/me/push-subscriptions")["items"]
    assert kept["endpoint"] == device.endpoint

    report_id = api.report_as(rider, make_jpeg(640, 480))["id"]
    api.call("POST", f"/reports/{report_id}/accept", as_user=COORDINATOR, json={})
    push_service.wait_until(lambda r: len(messages_at(r, device)) == 1)
    [message] = messages_at(push_service, device)
    assert (message["kind"], message["report_id"]) == ("report_accepted", report_id)

    deliver_push(page, server.url, json.dumps(message, ensure_ascii=False))
    shown = shown_notifications(page)
    assert shown == [
        {"title": f"问题已受理 #{report_id}", "url": f"/#/reports/{report_id}", "lang": "zh-CN"}
    ]

    toggle.click()
    expect(toggle).not_to_be_checked()
    expect(page.locator("#push-state")).to_have_text(
        "未开启：打开后，案件进展和附近核查任务会推送到本机"
    )
    assert api.as_rider(rider, "GET", "/me/push-subscriptions")["items"] == []
    assert not errors, errors


def deliver_push(page: Page, origin: str, data: str) -> None:
    """Hand `data` to the page's service worker as a push (what its push service would do)."""
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict[str, object]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")

    def app_registrations() -> list[dict[str, object]]:
        page.evaluate("0")  # a round trip, in which the events that came are handled
        return [r for r in registrations if r["scopeURL"] == f"{origin}/"]

    eventually(lambda: len(app_registrations()) > 0, timeout_s=10, what="the registration")
    registration = app_registrations()[-1]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration["registrationId"], "data": data},
    )


def shown_notifications(page: Page, timeout_ms: int = 10_000) -> list[dict[str, str]]:
    """The service worker's notifications on screen, once there is one (none at the deadline)."""
    shown: list[dict[str, str]] = page.evaluate(
        """async (timeoutMs) => {
          const registration = await navigator.serviceWorker.ready;
          for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
            const shown = await registration.getNotifications();
            if (shown.length > 0) {
              return shown.map((n) => ({ title: n.title, url: n.data.url, lang: n.lang }));
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          return [];
        }""",
        timeout_ms,
    )
    return shown
