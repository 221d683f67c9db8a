"""Receivers that fail or hang: everything arrives after a recovery, in order, and a hanging
receiver holds up neither the API nor other subscriptions."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.webhooks.models import DeliveryStatus
from tests.cases.factories import Steps
from tests.fixtures.people import People
from tests.reports.factories import post_report
from tests.waiting import eventually
from tests.webhooks.factories import (
    all_delivered,
    deliveries,
    first_arrivals,
    subscribe,
)
from tests.webhooks.receiver import Receiver


def _report_of(body: dict[str, Any]) -> int:
    data = body["data"]
    return int(data["report"]["id"] if "report" in data else data["task"]["report_id"])


def test_a_receiver_failing_for_a_while_gets_everything_in_order_after_it_recovers(
    client: TestClient, steps: Steps, people: People, receiver: Receiver, session: Session
) -> None:
    receiver.mode = "fail"
    hook = subscribe(client, people.admin, receiver.url())
    first = post_report(client, people.rider.headers).json()["id"]
    second = post_report(client, people.rider.headers).json()["id"]
    steps.accept(first)
    steps.reject(second)
    steps.dispatch(first, people.property_unit)
    receiver.wait_until(lambda r: r.refused >= 4)
    eventually(lambda: deliveries(session, hook["id"])[0].attempts >= 2, what="two failed tries")
    failing = deliveries(session, hook["id"])
    assert all(d.status is DeliveryStatus.PENDING for d in failing)
    assert failing[0].last_error == "HTTP 500"
    assert failing[0].last_status_code == 500

    receiver.mode = "ok"
    receiver.wait_until(lambda r: len(first_arrivals([x.json for x in r.received])) == len(failing))
    arrivals = first_arrivals([r.json for r in receiver.received])
    for report_id in (first, second):
        written = [d.delivery_id for d in failing if d.report_id == report_id]
        assert [b["delivery_id"] for b in arrivals if _report_of(b) == report_id] == written
    eventually(lambda: all_delivered(session, hook["id"]), what="all recorded delivered")
    delivered = deliveries(session, hook["id"])
    assert delivered[0].attempts >= 3
    assert delivered[0].last_error is None
