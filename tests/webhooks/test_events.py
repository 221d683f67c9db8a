"""Every webhook event arrives from the real workflow, signed, at least once and in order per
report, with the API's own report and task shapes."""

from collections import defaultdict
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cases.overdue import run_overdue_check
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.runtime import Runtime
from app.webhooks.models import WebhookEvent
from tests.cases.factories import Steps
from tests.fixtures.people import People, unit_code_of
from tests.reports.factories import post_report, redact_taken_photos
from tests.waiting import eventually
from tests.webhooks.factories import (
    ALL_EVENTS,
    SECRET,
    all_delivered,
    deliveries,
    first_arrivals,
    subscribe,
)
from tests.webhooks.receiver import Receiver


def _bodies_by_report(bodies: list[dict[str, Any]]) -> dict[int, list[str]]:
    by_report: dict[int, list[str]] = defaultdict(list)
    for body in bodies:
        data = body["data"]
        report_id = data["report"]["id"] if "report" in data else data["task"]["report_id"]
        by_report[report_id].append(body["delivery_id"])
    return by_report


def test_every_event_arrives_signed_and_in_order_per_report(
    client: TestClient,
    steps: Steps,
    people: People,
    receiver: Receiver,
    session: Session,
    runtime: Runtime,
    settings: Settings,
) -> None:
    hook = subscribe(client, people.admin, receiver.url())
    created = post_report(client, people.rider.headers)
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    redact_taken_photos(client)
    task_id = steps.to_resolved(report_id, people.property_unit)
    steps.approve(report_id)
    rating = steps.post(f"/reports/{report_id}/rating", people.rider, json={"stars": 4})
    assert rating.status_code in (200, 201), rating.text
    late = post_report(client, people.rider.headers).json()["id"]
    steps.accept(late)
    steps.dispatch(late, people.law_unit)
    run_overdue_check(runtime.engine, settings, utcnow() + timedelta(days=30))

    written = deliveries(session, hook["id"])
    assert {d.event for d in written} == set(ALL_EVENTS)
    receiver.wait_until(lambda r: len(first_arrivals([x.json for x in r.received])) >= len(written))

    arrivals = first_arrivals([r.json for r in receiver.received])
    for received in receiver.received:
        assert received.signed_with(SECRET)
        assert not received.signed_with("another-secret-0123456789")
        assert received.headers["x-tantou-event"] == received.json["event"]
        assert received.headers["x-tantou-delivery"] == received.json["delivery_id"]
        assert set(received.json) == {"event", "delivery_id", "occurred_at", "data"}
    written_order = _bodies_by_report(
        [{"delivery_id": d.delivery_id, "data": d.data} for d in written]
    )
    assert _bodies_by_report(arrivals) == written_order

    events = [
        body["event"]
        for body in arrivals
        if body["data"].get("report", {}).get("id") == report_id
        or body["data"].get("task", {}).get("report_id") == report_id
    ]
    assert events[0] == WebhookEvent.REPORT_CREATED
    assert events[-1] == WebhookEvent.REPORT_RATED
    assert events.index(WebhookEvent.CASE_CLOSED) > events.index(WebhookEvent.TASK_CREATED)

    by_event: dict[str, dict[str, Any]] = {}
    for body in arrivals:
        by_event.setdefault(body["event"], body)  # the first of each: report_id's
    shown = steps.report(report_id)
    rated = by_event[WebhookEvent.REPORT_RATED]["data"]
    assert set(rated["report"]) == set(shown)
    assert rated["report"]["status"] == "closed"
    assert rated["rating"]["stars"] == 4
    assert rated["report"]["caller_phone"] is None  # no caller details go out
    # Photos are redacted after the report is taken in: report.created says they are not ready
    # (and links nothing); the events after redaction link them. No race with the worker here:
    # the payload is rendered in the insert's own transaction, before its photos are queued.
    [waiting] = by_event[WebhookEvent.REPORT_CREATED]["data"]["report"]["photos"]
    assert (waiting["ready"], waiting["url"], waiting["thumbnail_url"]) == (False, None, None)
    [photo] = [p for p in rated["report"]["photos"] if p["kind"] == "before"]
    assert client.get(photo["url"]).status_code == 200  # signed when sent, served by the API

    task_list = steps.get("/tasks", people.property_unit).json()["items"]
    created_task = by_event[WebhookEvent.TASK_CREATED]["data"]["task"]
    assert set(created_task) == set(task_list[0])
    assert created_task["id"] == task_id
    assert created_task["status"] == "open"
    overdue = by_event[WebhookEvent.TASK_OVERDUE]["data"]
    assert overdue["task"]["report_id"] == late
    assert overdue["task"]["overdue"] is True
    changed = [b["data"] for b in arrivals if b["event"] == WebhookEvent.REPORT_STATUS_CHANGED]
    assert {"from_status": "submitted", "to_status": "accepted"}.items() <= changed[0].items()
    eventually(lambda: all_delivered(session, hook["id"]), what="all recorded delivered")


def test_a_subscription_hears_only_its_events_community_and_unit(
    client: TestClient, steps: Steps, people: People, receiver: Receiver, session: Session
) -> None:
    closed_only = subscribe(client, people.admin, receiver.url("/closed"), events=["case.closed"])
    elsewhere = subscribe(
        client, people.admin, receiver.url("/other"), community_code="341126101001"
    )
    unit_hook = subscribe(
        client,
        people.admin,
        receiver.url("/unit"),
        events=["task.created", "task.status_changed"],
        unit_code=unit_code_of(people.law_unit),
    )
    report_id = post_report(client, people.rider.headers).json()["id"]
    steps.accept(report_id)
    law_task = steps.dispatch(report_id, people.law_unit)["id"]
    steps.dispatch(report_id, people.property_unit)
    steps.take(law_task, people.law_unit)

    assert deliveries(session, closed_only["id"]) == []
    assert deliveries(session, elsewhere["id"]) == []
    unit_deliveries = deliveries(session, unit_hook["id"])
    assert [d.event for d in unit_deliveries] == ["task.created", "task.status_changed"]
    assert {d.task_id for d in unit_deliveries} == {law_task}
    receiver.wait_until(lambda r: len(r.events_of("/unit")) == 2)
    assert receiver.events_of("/unit") == ["task.created", "task.status_changed"]


def test_the_test_button_sends_a_signed_ping_and_the_log_shows_it(
    client: TestClient, people: People, receiver: Receiver
) -> None:
    hook = subscribe(client, people.admin, receiver.url(), events=["case.closed"])
    response = client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=people.admin.headers)
    assert response.status_code == 202, response.text
    receiver.wait_until(lambda r: r.events_of() == ["ping"])
    assert receiver.received[0].signed_with(SECRET)
    assert receiver.received[0].json["delivery_id"] == response.json()["delivery_id"]

    def delivered_log() -> list[dict[str, Any]]:
        log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=people.admin.headers)
        assert log.status_code == 200, log.text
        items: list[dict[str, Any]] = log.json()["items"]
        return items

    eventually(lambda: delivered_log()[0]["status"] == "delivered", what="the log says delivered")
    items = delivered_log()
    assert items[0]["attempts"] == 1
    assert items[0]["last_status_code"] == 204
    assert items[0]["response_ms"] is not None

    again = client.post(
        f"/api/v1/webhooks/deliveries/{items[0]['id']}/redeliver", headers=people.admin.headers
    )
    assert again.status_code == 202, again.text
    assert again.json()["delivery_id"] != items[0]["delivery_id"]
    receiver.wait_until(lambda r: len(r.received) == 2)
    assert receiver.received[1].json["delivery_id"] == again.json()["delivery_id"]
    assert receiver.received[1].json["data"] == receiver.received[0].json["data"]
