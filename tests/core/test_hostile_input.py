"""Hostile values, each sent as an attacker would: a 4xx problem naming the field, never a 5xx,
and nothing stored. Every test runs on SQLite and PostgreSQL."""

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.categories.models import Category
from app.core.runtime import Runtime
from app.main import create_app
from app.reports.models import Report
from app.riders.models import Team
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.factories import COMMUNITY, assert_problem, login, seed_grids
from tests.fixtures.people import People
from tests.fixtures.reports import GARBAGE
from tests.reports.factories import live_server, post_report
from tests.riders.factories import make_rider

BEYOND_INT32 = 2**31


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(model)).one())


def assert_field_refused(response: httpx.Response, field: str) -> None:
    body = assert_problem(response, 422)
    assert field in [error["field"] for error in body["errors"]], body


@pytest.mark.parametrize(
    ("method", "url", "json", "field"),
    [
        ("GET", f"/api/v1/reports/{BEYOND_INT32}", None, "report_id"),
        ("GET", "/api/v1/reports/-1", None, "report_id"),
        ("GET", "/api/v1/reports/99999999999999999999999999", None, "report_id"),
        ("GET", f"/api/v1/tasks?report_id={BEYOND_INT32}", None, "report_id"),
        ("GET", f"/api/v1/riders?team_id={BEYOND_INT32}", None, "team_id"),
        ("GET", f"/api/v1/riders?cursor={BEYOND_INT32}", None, "cursor"),
        ("GET", f"/api/v1/notices?cursor={BEYOND_INT32}", None, "cursor"),
        ("GET", "/api/v1/me/notifications?cursor=99999999999", None, "cursor"),
        ("GET", f"/api/v1/riders/{BEYOND_INT32}/points", None, "rider_id"),
        ("PATCH", f"/api/v1/teams/{BEYOND_INT32}", {"name": "x"}, "team_id"),
        ("POST", "/api/v1/reports/1/merge", {"into": BEYOND_INT32}, "into"),
        (
            "POST",
            "/api/v1/points/adjustments",
            {"rider_id": -5, "amount": 1, "reason": "x"},
            "rider_id",
        ),
    ],
)
def test_ids_no_table_can_hold_are_422(
    client: TestClient, people: People, method: str, url: str, json: object, field: str
) -> None:
    response = client.request(method, url, json=json, headers=people.admin.headers)
    assert_field_refused(response, field)


def test_team_id_beyond_int32_in_a_registration_without_login_is_422(
    client: TestClient, people: People
) -> None:
    registration = {
        "phone": "13900000009",
        "name": "骑手",
        "password": "long-enough-password",
        "platform": "meituan",
        "community_code": COMMUNITY,
        "privacy_consent_version": CURRENT_NOTICE.version,
        "team_id": BEYOND_INT32,
    }
    assert_field_refused(client.post("/api/v1/riders", json=registration), "team_id")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_in_a_json_body_are_refused_and_not_stored(
    client: TestClient, session: Session, people: People, char: str
) -> None:
    body = {"name": f"一队{char}", "community_code": COMMUNITY}
    response = client.post("/api/v1/teams", json=body, headers=people.coordinator.headers)
    assert_field_refused(response, "name")
    assert _count(session, Team) == 0


def test_tab_and_newline_are_ordinary_text(client: TestClient, people: People) -> None:
    body = {"name": "一队\t二组", "community_code": COMMUNITY, "area_name": "东\n西"}
    response = client.post("/api/v1/teams", json=body, headers=people.coordinator.headers)
    assert response.status_code == 201, response.text


def test_a_nul_in_a_report_form_field_is_refused_and_no_report_is_made(
    client: TestClient, session: Session, people: People
) -> None:
    response = post_report(client, people.rider.headers, description="垃圾\x00堆")
    assert_field_refused(response, "description")
    assert _count(session, Report) == 0


def test_a_nul_in_a_query_parameter_is_refused(client: TestClient, people: People) -> None:
    response = client.get("/api/v1/stats", params={"area": "34\x00"}, headers=people.admin.headers)
    assert_field_refused(response, "area")


def test_a_nul_in_an_open311_query_is_an_open311_error(client: TestClient, people: People) -> None:
    response = client.get("/open311/v2/requests.json", params={"service_code": "01\x00"})
    assert response.status_code == 400
    assert "U+0000" in response.json()[0]["description"]


def test_a_username_longer_than_its_column_is_422(client: TestClient, people: People) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "u" * 5000, "password": "x"})
    assert_field_refused(response, "username")


def test_a_forwarded_address_longer_than_its_column_is_an_ordinary_failed_login(
    runtime: Runtime, people: People
) -> None:
    # uvicorn believes X-Forwarded-For from 127.0.0.1, so the "address" is whatever is sent.
    with live_server(create_app(runtime=runtime)) as base_url:
        response = httpx.post(
            f"{base_url}/api/v1/auth/token",
            data={"username": "admin", "password": "wrong-password"},
            headers={"X-Forwarded-For": "9" * 3000},
        )
    assert_problem(response, 401)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/stats?from=9999-12-31T23:59:59", "from"),
        ("/api/v1/stats?to=0001-01-01T00:00:00Z", "to"),
    ],
)
def test_times_far_outside_any_real_range_are_422(
    client: TestClient, people: People, url: str, field: str
) -> None:
    assert_field_refused(client.get(url, headers=people.admin.headers), field)


def test_a_statement_for_the_month_9999_12_is_422(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_rider(session, "13900000002")
    response = client.get(
        "/api/v1/me/points/statement?month=9999-12", headers=login(client, "13900000002")
    )
    assert_field_refused(response, "month")


def test_a_deadline_in_the_year_9999_is_422(client: TestClient, people: People) -> None:
    body = {"unit_code": "U-PROP-1", "due_at": "9999-12-31T23:59:59+00:00"}
    response = client.post("/api/v1/reports/1/tasks", json=body, headers=people.coordinator.headers)
    assert_field_refused(response, "due_at")


def test_an_explicit_null_in_a_patch_is_422_and_changes_nothing(
    client: TestClient, session: Session, people: People
) -> None:
    response = client.patch(
        f"/api/v1/categories/{GARBAGE}", json={"name_zh": None}, headers=people.admin.headers
    )
    assert_field_refused(response, "name_zh")
    session.expire_all()
    assert session.exec(select(Category).where(Category.code == GARBAGE)).one().name_zh


def test_an_explicit_null_name_in_my_profile_is_422_and_keeps_the_name(
    client: TestClient, session: Session
) -> None:
    seed_grids(session)
    make_rider(session, "13900000001", name="王师傅")
    headers = login(client, "13900000001")
    response = client.patch("/api/v1/me/profile", json={"name": None}, headers=headers)
    assert_field_refused(response, "name")
    assert client.get("/api/v1/me/profile", headers=headers).json()["name"] == "王师傅"


def test_a_report_at_the_pole_is_outside_the_service_area(
    client: TestClient, session: Session, people: People
) -> None:
    response = post_report(client, people.rider.headers, lat=89.9, lon=117.5)
    assert_field_refused(response, "lat")
    assert "outside the service area" in response.json()["detail"]
    assert _count(session, Report) == 0


def test_a_point_in_no_grid_but_near_a_community_is_still_taken(
    client: TestClient, people: People
) -> None:
    # About 500 m east of the demo county's easternmost community, in no grid.
    response = post_report(client, people.rider.headers, lat=32.883, lon=117.675)
    assert response.status_code == 201, response.text
    assert response.json()["grid"] is None
