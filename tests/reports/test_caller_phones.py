"""Callers' phones in recorded reports: masked for coordinators, whole (and audited) for an
admin on one report's page, hidden from riders and units, erased after the retention period."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.runtime import Runtime
from app.reports import caller_retention
from app.reports.caller_retention import erase_expired_callers
from app.reports.models import CallerPhoneView, Channel, Report
from tests.conftest import make_settings
from tests.fixtures.people import People
from tests.reports.factories import post_report

CALLER_PHONE = "13912341234"
MASKED = "139****1234"


def _recorded_call(client: TestClient, people: People, **fields: Any) -> dict[str, Any]:
    response = post_report(
        client,
        people.coordinator.headers,
        (),
        channel=Channel.PHONE,
        caller_name="王先生",
        caller_phone=CALLER_PHONE,
        **fields,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _views(session: Session, report_id: int) -> list[CallerPhoneView]:
    session.expire_all()
    return list(
        session.exec(
            select(CallerPhoneView)
            .where(CallerPhoneView.report_id == report_id)
            .order_by(col(CallerPhoneView.id))
        )
    )


def test_the_coordinator_who_recorded_the_call_sees_the_number_masked(
    client: TestClient, people: People, session: Session
) -> None:
    recorded = _recorded_call(client, people)
    assert (recorded["caller_name"], recorded["caller_phone"]) == ("王先生", MASKED)

    one = client.get(f"/api/v1/reports/{recorded['id']}", headers=people.coordinator.headers)
    listed = client.get("/api/v1/reports", headers=people.coordinator.headers).json()["items"]

    assert (one.json()["caller_name"], one.json()["caller_phone"]) == ("王先生", MASKED)
    assert [item["caller_phone"] for item in listed if item["id"] == recorded["id"]] == [MASKED]
    assert _views(session, recorded["id"]) == []  # nothing whole was shown


def test_an_admin_sees_the_whole_number_on_the_report_and_each_view_is_audited(
    client: TestClient, people: People, session: Session
) -> None:
    recorded = _recorded_call(client, people)
    before = utcnow()

    for _ in range(2):
        answer = client.get(f"/api/v1/reports/{recorded['id']}", headers=people.admin.headers)
        assert answer.json()["caller_phone"] == CALLER_PHONE

    views = _views(session, recorded["id"])
    assert [view.viewer_id for view in views] == [people.admin.id, people.admin.id]
    assert all(view.viewed_at >= before for view in views)


def test_an_admins_list_masks_the_number_and_audits_nothing(
    client: TestClient, people: People, session: Session
) -> None:
    recorded = _recorded_call(client, people)

    listed = client.get("/api/v1/reports", headers=people.admin.headers).json()["items"]

    assert [item["caller_phone"] for item in listed if item["id"] == recorded["id"]] == [MASKED]
    assert _views(session, recorded["id"]) == []


def test_an_app_report_has_no_caller_and_an_admin_view_of_it_is_not_audited(
    client: TestClient, people: People, session: Session
) -> None:
    report = post_report(client, people.rider.headers).json()

    answer = client.get(f"/api/v1/reports/{report['id']}", headers=people.admin.headers).json()

    assert (answer["caller_name"], answer["caller_phone"]) == (None, None)
    assert _views(session, report["id"]) == []


def test_a_handling_unit_on_the_case_sees_no_caller(
    client: TestClient, people: People, session: Session
) -> None:
    unit = people.unit
    recorded = _recorded_call(client, people)
    accept = client.post(
        f"/api/v1/reports/{recorded['id']}/accept", json={}, headers=people.coordinator.headers
    )
    assert accept.status_code == 200, accept.text
    task = client.post(
        f"/api/v1/reports/{recorded['id']}/tasks",
        json={"unit_code": "U-PROP-1"},
        headers=people.coordinator.headers,
    )
    assert task.status_code == 201, task.text

    seen = client.get(f"/api/v1/reports/{recorded['id']}", headers=unit.headers).json()

    assert (seen["caller_name"], seen["caller_phone"]) == (None, None)
    assert _views(session, recorded["id"]) == []


def test_retention_erases_callers_older_than_the_period_and_only_those(
    client: TestClient, people: People, session: Session, runtime: Runtime
) -> None:
    old = _recorded_call(client, people)
    recent = _recorded_call(client, people)
    app_report = post_report(client, people.rider.headers).json()
    now = utcnow()
    aged = session.get_one(Report, old["id"])
    aged.created_at = now - timedelta(days=181)
    session.add(aged)
    session.commit()

    erased = erase_expired_callers(runtime.engine, retention=timedelta(days=180), now=now)
    again = erase_expired_callers(runtime.engine, retention=timedelta(days=180), now=now)

    session.expire_all()
    rows = {rid: session.get_one(Report, rid) for rid in (old["id"], recent["id"])}
    assert (erased, again) == (1, 0)
    assert (rows[old["id"]].caller_name, rows[old["id"]].caller_phone) == (None, None)
    assert (rows[recent["id"]].caller_name, rows[recent["id"]].caller_phone) == (
        "王先生",
        CALLER_PHONE,
    )
    assert session.get_one(Report, app_report["id"]).status == "submitted"  # the report stays
    assert session.get_one(Report, old["id"]).channel is Channel.PHONE


def test_retention_works_through_more_rows_than_one_batch(
    client: TestClient,
    people: People,
    session: Session,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = [_recorded_call(client, people)["id"] for _ in range(5)]
    session.expire_all()
    for report_id in made:
        row = session.get_one(Report, report_id)
        row.created_at = utcnow() - timedelta(days=400)
        session.add(row)
    session.commit()
    monkeypatch.setattr(caller_retention, "ERASE_BATCH_ROWS", 2)

    erased = erase_expired_callers(runtime.engine, retention=timedelta(days=180), now=utcnow())

    session.expire_all()
    assert erased == 5
    assert all(session.get_one(Report, rid).caller_phone is None for rid in made)


@pytest.mark.parametrize(("env", "days"), [(None, 180), ("30", 30)])
def test_the_retention_period_is_a_setting(
    env: str | None, days: int, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    if env is not None:
        monkeypatch.setenv("TANTOU_CALLER_PHONE_RETENTION_DAYS", env)
    fresh = make_settings(settings.resolved_database_url, settings.data_dir)
    assert fresh.caller_phone_retention_days == days
