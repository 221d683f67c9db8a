"""axe-core on every rider screen of a 360 px phone, with real data on it (reports with photos, a
closed case to rate, a rejected one, a verification task, a notice, points and a redemption): no
WCAG 2.x A/AA violation, contrast included, and every tap target at least 44 px.

One logged-in context serves the module's screens; each screen is its own test."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.api_client import (
    COORDINATOR,
    RIDER_PASSWORD,
    UNIT,
    UNIT_CODE,
    ApiClient,
    Rider,
    new_phone,
)
from tests.e2e.conftest import GRID_POINT, log_in, phone_contexts, screenshot
from tests.e2e.flows import outbox_items, report_in_three_taps
from tests.e2e.server import LiveServer
from tests.photos.factories import FIXTURE_PHOTOS_DIR

pytestmark = pytest.mark.e2e

PHOTO = FIXTURE_PHOTOS_DIR / "jpg" / "mobile" / "jolla.jpg"
SECOND_PHOTO = FIXTURE_PHOTOS_DIR / "jpg" / "orientation" / "landscape_3.jpg"


@dataclass(frozen=True)
class RiderData:
    rider: Rider
    submitted: int  # two photos
    closed: int  # waiting for the rider's rating
    rejected: int
    verification: int  # a check the rider's team is asked for
    notice: int


def _report(api: ApiClient, reporter: Rider, description: str, photos: int = 1) -> int:
    files = [PHOTO, SECOND_PHOTO][:photos]
    report = api.as_rider(
        reporter,
        "POST",
        "/reports",
        data={
            "category": "0102",
            "description": description,
            "lat": str(GRID_POINT["latitude"]),
            "lon": str(GRID_POINT["longitude"]),
            "client_id": str(uuid.uuid4()),
        },
        files=[("photo", (path.name, path.read_bytes(), "image/jpeg")) for path in files],
    )
    return int(report["id"])


def _resolved(api: ApiClient, report_id: int) -> None:
    """Accepted, dispatched, and done by the unit with an after photo: waiting for 核查."""
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
        files=[("photo", ("after.jpg", PHOTO.read_bytes(), "image/jpeg"))],
    )


@pytest.fixture(scope="module")
def data(api: ApiClient) -> RiderData:
    rider = api.active_rider(team_id=api.first_team_id())
    neighbour = api.active_rider()
    submitted = _report(api, rider, "小区门口垃圾堆放两天无人清理", photos=2)
    closed = _report(api, rider, "垃圾桶满溢")
    _resolved(api, closed)
    api.call("POST", f"/reports/{closed}/verify", as_user=COORDINATOR, json={"approved": True})
    rejected = _report(api, rider, "路边有纸屑")
    api.call(
        "POST", f"/reports/{rejected}/reject", as_user=COORDINATOR, json={"reason": "已由环卫清扫"}
    )
    to_check = _report(api, neighbour, "绿化带内建筑垃圾")
    _resolved(api, to_check)
    tasks = api.as_rider(rider, "GET", "/verifications", params={"status": "open"})["items"]
    verification = next(int(v["id"]) for v in tasks if v["report_id"] == to_check)
    _redeem(api, rider)
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
    return RiderData(rider, submitted, closed, rejected, verification, int(notice["id"]))


def _redeem(api: ApiClient, rider: Rider) -> None:
    """Points given by the coordinator, and the cheapest reward redeemed with them."""
    api.call(
        "POST",
        "/points/adjustments",
        as_user=COORDINATOR,
        json={"rider_id": rider.id, "amount": 500, "reason": "骑手节奖励"},
    )
    rewards = api.as_rider(rider, "GET", "/rewards")["items"]
    cheapest = min(rewards, key=lambda reward: int(reward["cost"]))
    api.as_rider(rider, "POST", "/redemptions", json={"reward_id": cheapest["id"]})


@pytest.fixture(scope="module")
def phone(browser: Browser, server: LiveServer, data: RiderData) -> Iterator[Page]:
    """The rider's phone, logged in once for the module; fails the module's last test on any
    uncaught script error."""
    errors: list[str] = []
    for open_context in phone_contexts(browser, server):
        page = open_context().new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in(page, data.rider.phone)
        yield page
    assert not errors, f"uncaught script errors: {errors}"


def _open(page: Page, path: str, ready: str) -> None:
    """Go to a rider route and wait for its data (`ready`) with nothing still loading."""
    url = f"/#{path}"
    if page.url.endswith(url):
        page.reload()  # going to the same hash would not render the screen again
    else:
        page.goto(url)
    expect(page.locator(ready).first).to_be_visible()
    expect(page.locator(".loading")).to_have_count(0)


# (screen, route, what shows once its data is in); {name} fields come from `data`.
SCREENS = [
    ("home", "/", ".snap-button"),
    ("nearby", "/nearby", ".nearby-item"),
    ("reports", "/reports", ".report-card .thumb"),
    ("report", "/reports/{submitted}", ".photo-grid img >> nth=1"),
    ("report-closed", "/reports/{closed}", ".rating .star"),
    ("report-rejected", "/reports/{rejected}", ".rejection-reason"),
    ("tasks", "/tasks", ".task-card"),
    ("verification", "/verifications/{verification}", "#verify-photo"),
    ("notices", "/notices", "text=电动车安全充电提示"),
    ("notice", "/notices/{notice}", ".notice-body"),
    ("points", "/points", ".reward-card"),
    ("points-ledger", "/points?tab=ledger", ".ledger-row"),
    ("points-redemptions", "/points?tab=redemptions", ".ledger-row"),
    ("points-board", "/points?tab=board", ".board-row"),
    ("messages", "/messages", ".message"),
    ("me", "/me", ".profile-name"),
]


@pytest.mark.parametrize(("screen", "route", "ready"), SCREENS, ids=[s[0] for s in SCREENS])
def test_each_screen_is_accessible(
    phone: Page, data: RiderData, screen: str, route: str, ready: str
) -> None:
    fields = vars(data)
    _open(phone, route.format(**fields), ready.format(**fields))
    screenshot(phone, f"a11y-rider-{screen}")
    assert_accessible(phone, f"rider-{screen}", touch=True)


def test_the_category_and_review_screens_are_accessible(phone: Page) -> None:
    _open(phone, "/", ".snap-button")
    phone.locator("#camera-input").set_input_files(str(PHOTO))
    expect(phone.locator(".category-grid .category-button").first).to_be_visible()
    screenshot(phone, "a11y-rider-new")
    assert_accessible(phone, "rider-new", touch=True)
    phone.locator(".category-grid .category-button:not(.more)").first.click()
    expect(phone.locator("#urgent")).to_be_attached()
    screenshot(phone, "a11y-rider-review")
    assert_accessible(phone, "rider-review", touch=True)


def test_the_outbox_with_a_report_waiting_is_accessible(rider_page: Page) -> None:
    page = rider_page
    page.context.set_offline(True)
    report_in_three_taps(page, PHOTO, "暴露垃圾")
    expect(outbox_items(page, "waiting")).to_have_count(1)
    screenshot(page, "a11y-rider-outbox")
    assert_accessible(page, "rider-outbox", touch=True)
    page.context.set_offline(False)


@pytest.mark.parametrize(
    ("screen", "route", "field"), [("login", "/login", "手机号"), ("register", "/register", "姓名")]
)
def test_the_logged_out_screens_are_accessible(
    page: Page, screen: str, route: str, field: str
) -> None:
    page.goto(f"/#{route}")
    expect(page.get_by_label(field, exact=True)).to_be_visible()
    expect(page.locator(".loading")).to_have_count(0)
    screenshot(page, f"a11y-rider-{screen}")
    assert_accessible(page, f"rider-{screen}", touch=True)


def test_the_waiting_for_approval_screen_is_accessible(page: Page, api: ApiClient) -> None:
    phone_number = new_phone()
    api.register_rider(phone_number)
    page.goto("/#/login")
    page.get_by_label("手机号").fill(phone_number)
    page.get_by_label("密码").fill(RIDER_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".card.pending")).to_be_visible()
    screenshot(page, "a11y-rider-pending")
    assert_accessible(page, "rider-pending", touch=True)
