"""Every refusal follows Accept-Language: Chinese with no header or with zh-CN (no English
sentence in its title, detail or field messages), English on request; driven by real failing
requests of every kind a rider or a console user meets."""

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.runtime import Runtime
from app.main import create_app
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.conftest import make_settings
from tests.core.test_messages import english_runs
from tests.factories import COMMUNITY, PASSWORD
from tests.fixtures.people import People
from tests.reports.factories import post_report, small_jpeg

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MAX_REQUEST_BYTES = 64 * 1024

Refusal = Callable[[dict[str, str]], httpx.Response]  # language headers -> the answer


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Small enough limits that a body over the size and a second registration are refused."""
    return make_settings(
        database_url,
        tmp_path / "data",
        max_request_bytes=MAX_REQUEST_BYTES,
        registrations_per_hour=1,
    )


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime)) as client:  # no language of its own
        yield client


def registration() -> dict[str, object]:
    return {
        "phone": f"139{uuid.uuid4().int % 10**8:08d}",
        "name": "张师傅",
        "password": PASSWORD,
        "platform": "meituan",
        "party_member": True,
        "community_code": COMMUNITY,
        "privacy_consent_version": CURRENT_NOTICE.version,
    }


def refusals(client: TestClient, people: People) -> dict[str, tuple[int, Refusal]]:
    """{name: (status, request)} of failing requests, after the setup they need."""
    rider, coordinator = people.rider.headers, people.coordinator.headers
    assert client.post("/api/v1/riders", json=registration()).status_code == 201
    made = post_report(client, rider, client_id=(client_id := str(uuid.uuid4())))
    assert made.status_code == 201, made.text
    report_id = made.json()["id"]
    accepted = client.post(f"/api/v1/reports/{report_id}/accept", json={}, headers=coordinator)
    assert accepted.status_code == 200, accepted.text

    def as_(headers: dict[str, str]) -> Callable[[dict[str, str]], dict[str, str]]:
        return lambda language: {**headers, **language}

    rider_, coordinator_ = as_(rider), as_(coordinator)
    too_long = {**registration(), "name": "名" * 200, "platform": "bike", "party_member": "maybe"}
    return {
        "no credentials": (401, lambda h: client.get("/api/v1/me", headers=h)),
        "bad token": (401, lambda h: client.get("/api/v1/me", headers=as_(_bearer("x"))(h))),
        "wrong password": (
            401,
            lambda h: client.post("/api/v1/auth/token", data=_wrong_login(), headers=h),
        ),
        "role refused": (403, lambda h: client.get("/api/v1/units", headers=rider_(h))),
        "pending rider": (403, lambda h: post_report(client, as_(people.pending_rider.headers)(h))),
        "no such report": (
            404,
            lambda h: client.get("/api/v1/reports/999999", headers=coordinator_(h)),
        ),
        "no such path": (404, lambda h: client.get("/api/v1/no-such-thing", headers=h)),
        "wrong method": (405, lambda h: client.delete("/api/v1/categories", headers=h)),
        "client_id reused": (
            409,
            lambda h: post_report(client, rider_(h), client_id=client_id, description="另一件事"),
        ),
        "accepted twice": (
            409,
            lambda h: client.post(
                f"/api/v1/reports/{report_id}/accept", json={}, headers=coordinator_(h)
            ),
        ),
        "body too large": (
            413,
            lambda h: client.post(
                "/api/v1/riders",
                content=b"x" * (MAX_REQUEST_BYTES + 1),
                headers={**h, "Content-Type": "application/json"},
            ),
        ),
        "not an image": (415, lambda h: post_report(client, rider_(h), (b"not an image at all",))),
        "fields missing": (422, lambda h: client.post("/api/v1/riders", json={}, headers=h)),
        "fields wrong": (422, lambda h: client.post("/api/v1/riders", json=too_long, headers=h)),
        "no location": (
            422,
            lambda h: post_report(client, rider_(h), (small_jpeg(),), lat=None, lon=None),
        ),
        "half a point": (422, lambda h: post_report(client, rider_(h), lon=None)),
        "outside the service area": (
            422,
            lambda h: post_report(client, rider_(h), lat=0.5, lon=0.5),
        ),
        "no such category": (422, lambda h: post_report(client, rider_(h), category="9999")),
        "too many registrations": (
            429,
            lambda h: client.post("/api/v1/riders", json=registration(), headers=h),
        ),
    }


def _wrong_login() -> dict[str, str]:
    """A failed login of a new username each time, so that no login slowing answers it."""
    return {"username": str(registration()["phone"]), "password": "wrong-password"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def texts(body: dict[str, Any]) -> list[str]:
    return [body["title"], body["detail"], *(e["message"] for e in body.get("errors", []))]


def test_refusals_are_chinese_by_default_and_english_on_request(
    client: TestClient, people: People
) -> None:
    for name, (status, refuse) in refusals(client, people).items():
        answers = {}
        for header in (None, "zh-CN", "zh-Hans;q=0.9, en;q=0.5", "en", "en-US,zh;q=0.2"):
            response = refuse({} if header is None else {"Accept-Language": header})
            assert response.status_code == status, (name, header, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            answers[header] = response.json()
        for header in (None, "zh-CN", "zh-Hans;q=0.9, en;q=0.5"):
            body = answers[header]
            assert CHINESE.search(body["title"]), (name, body)
            assert CHINESE.search(body["detail"]), (name, body)
            for text in texts(body):
                assert english_runs(text) == [], (name, header, text)
        for header in ("en", "en-US,zh;q=0.2"):
            body = answers[header]
            for text in texts(body):
                assert not CHINESE.search(text), (name, header, text)
            assert re.search("[A-Za-z]{2}", body["detail"]), (name, body)
        types = {answer["type"] for answer in answers.values()}
        fields = {tuple(e["field"] for e in a.get("errors", [])) for a in answers.values()}
        assert len(types) == 1, (name, answers)
        assert len(fields) == 1, (name, answers)


def test_a_refused_reports_reason_reads_as_a_chinese_sentence(
    client: TestClient, people: People
) -> None:
    """The issue's example: no point and a photo without GPS."""
    response = post_report(client, people.rider.headers, (small_jpeg(),), lat=None, lon=None)
    body = response.json()
    assert response.status_code == 422
    assert response.headers["content-language"] == "zh-CN"
    assert body["errors"] == [
        {"field": "lat", "message": "请在地图上标出位置，或上传带 GPS 定位的照片"}
    ]
    assert body["detail"] == "lat：请在地图上标出位置，或上传带 GPS 定位的照片"
    english = post_report(
        client,
        {**people.rider.headers, "Accept-Language": "en"},
        (small_jpeg(),),
        lat=None,
        lon=None,
    )
    assert english.headers["content-language"] == "en"
    assert english.json()["detail"] == "lat: send lat/lon or a photo with GPS"
