"""GET /me/export: a rider downloads everything held about them, and nothing about others."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.privacy import export
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.factories import assert_problem, login
from tests.fixtures.people import People
from tests.fixtures.reports import make_report
from tests.privacy.factories import RIDER_NAME, RIDER_PHONE, busy_rider
from tests.reports.factories import post_report, redact_taken_photos
from tests.riders.factories import make_rider


def _export(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v1/me/export", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return dict(json.loads(response.content))


def test_the_export_holds_the_account_profile_consent_reports_points_and_inbox(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)

    document = _export(client, rider.headers)

    assert document["account"]["username"] == RIDER_PHONE
    assert "password_hash" not in document["account"]
    assert (document["rider_profile"]["name"], document["rider_profile"]["phone"]) == (
        RIDER_NAME,
        RIDER_PHONE,
    )
    assert document["privacy_consent"]["agreed_version"] == CURRENT_NOTICE.version
    assert document["privacy_consent"]["agreed_at"] is not None
    [report] = document["reports"]
    assert (report["id"], report["description"]) == (rider.report_id, "路口垃圾堆了三天")
    assert [event["to_status"] for event in report["events"]] == ["submitted", "accepted"]
    entries = document["points"]["entries"]
    assert document["points"]["balance"] == sum(entry["amount"] for entry in entries) > 0
    assert sorted(entry["amount"] for entry in entries if entry["amount"] < 0) == [-100, -100]
    assert [entry["report_id"] for entry in entries if entry["kind"] == "report_accepted"] == [
        rider.report_id
    ]
    assert sorted(r["status"] for r in document["redemptions"]) == ["issued", "pending"]
    assert {r["reward_name"] for r in document["redemptions"]} == {"安全头盔"}
    assert "任务超期：物业 #1" in [n["title_zh"] for n in document["notifications"]]


def test_the_exported_photo_links_are_signed_and_serve_the_photo(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)
    redact_taken_photos(client)

    [report] = _export(client, rider.headers)["reports"]

    [photo] = report["photos"]
    assert "sig=" in photo["url"]
    served = client.get(photo["url"])
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("image/")


def test_the_export_holds_nothing_of_other_riders(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)
    others = post_report(client, people.other_rider.headers).json()

    document = _export(client, rider.headers)

    assert [r["id"] for r in document["reports"]] == [rider.report_id]
    assert others["id"] != rider.report_id
    assert "13800000002" not in json.dumps(document, ensure_ascii=False)


def test_a_long_history_streams_in_batches_and_comes_out_whole(
    client: TestClient, session: Session, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert people.coordinator.id  # the grids and a coordinator exist
    profile = make_rider(session, RIDER_PHONE)
    made = [make_report(session, profile.account_id).id for _ in range(5)]
    monkeypatch.setattr(export, "REPORT_BATCH", 2)

    document = _export(client, login(client, RIDER_PHONE))

    assert [r["id"] for r in document["reports"]] == made


def test_a_rider_awaiting_approval_may_export_too(
    client: TestClient, session: Session, people: People
) -> None:
    assert people.coordinator.id
    make_rider(session, RIDER_PHONE, active=False)

    document = _export(client, login(client, RIDER_PHONE))

    assert (document["account"]["status"], document["reports"]) == ("pending", [])


def test_only_riders_export_and_only_when_signed_in(client: TestClient, people: People) -> None:
    assert_problem(client.get("/api/v1/me/export", headers=people.coordinator.headers), 403)
    assert_problem(client.get("/api/v1/me/export"), 401)
