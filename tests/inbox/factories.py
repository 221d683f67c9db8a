"""Causing each kind of inbox news through the API, and reading what a coordinator has."""

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cases.overdue import run_overdue_check
from app.core.config import Settings
from app.core.runtime import Runtime
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.cases.factories import Steps
from tests.factories import COMMUNITY, PASSWORD
from tests.fixtures.people import People, Person
from tests.reports.factories import post_report

JSON = dict[str, Any]


def new_report(client: Any, people: People, **fields: Any) -> JSON:
    response = post_report(client, people.rider.headers, **fields)
    assert response.status_code == 201, response.text
    report: JSON = response.json()
    return report


def case_to_verify(client: TestClient, people: People, steps: Steps) -> JSON:
    """A report whose unit has completed its task: it waits for 核查."""
    report = new_report(client, people)
    steps.to_resolved(report["id"], people.property_unit)
    return report


def returned_task(client: TestClient, people: People, steps: Steps) -> JSON:
    """A task its unit handed back; its case waits to be dispatched again."""
    report = new_report(client, people)
    steps.accept(report["id"])
    task = steps.dispatch(report["id"], people.property_unit)
    steps.hand_back(task["id"], people.property_unit)
    return task


def overdue_task(
    client: TestClient, people: People, steps: Steps, runtime: Runtime, settings: Settings
) -> JSON:
    """A dispatched task the overdue job found past its deadline."""
    report = new_report(client, people)
    steps.accept(report["id"])
    task = steps.dispatch(report["id"], people.property_unit)
    due_at = datetime.fromisoformat(task["due_at"])
    run_overdue_check(runtime.engine, settings, due_at + timedelta(minutes=1))
    return task


def registration(client: Any, phone: str, community: str = COMMUNITY) -> JSON:
    """A rider's 报到备案, waiting for review."""
    response = client.post(
        "/api/v1/riders",
        json={
            "phone": phone,
            "name": "张师傅",
            "password": PASSWORD,
            "platform": "meituan",
            "party_member": False,
            "community_code": community,
            "privacy_consent_version": CURRENT_NOTICE.version,
        },
    )
    assert response.status_code == 201, response.text
    rider: JSON = response.json()
    return rider


def inbox(client: Any, person: Person) -> JSON:
    response = client.get("/api/v1/me/inbox", headers=person.headers)
    assert response.status_code == 200, response.text
    counts: JSON = response.json()
    return counts


def notification_kinds(session: Session, steps: Steps, person: Person) -> list[str]:
    session.commit()  # end the test session's transaction (SQLite's write lock)
    return sorted(item["kind"] for item in steps.notifications(person))
