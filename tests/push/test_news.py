"""What else reaches a rider's phone: checks offered near them, the answer to their "not
fixed", and nothing once their account is ended; push endpoints on private addresses refused."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.core.config import Settings
from app.main import create_app
from app.push.models import PushSubscription
from tests.cases.factories import Steps
from tests.conftest import make_settings
from tests.factories import PASSWORD, assert_problem, login
from tests.fixtures.people import People, Person
from tests.push.device import Device
from tests.push.factories import deliveries, kinds_at, messages_at, opt_in
from tests.reports.factories import post_report
from tests.riders.factories import make_rider, make_team
from tests.webhooks.receiver import Receiver

CHECKER_PHONE = "13900000009"


def test_riders_near_a_case_hear_on_their_phones_of_a_check_offered_to_them(
    client: TestClient, steps: Steps, people: People, push_service: Receiver, session: Session
) -> None:
    checker = make_rider(session, CHECKER_PHONE, team=make_team(session))
    person = Person(checker.account_id, CHECKER_PHONE, login(client, CHECKER_PHONE))
    phone = Device(push_service.url("/push/checker"))
    opt_in(client, person, phone)
    # A report of the checker's own at the same place makes it a rider near the case.
    assert post_report(client, person.headers).status_code == 201
    report_id = post_report(client, people.rider.headers).json()["id"]
    steps.to_resolved(report_id, people.property_unit)

    push_service.wait_until(lambda r: kinds_at(r, phone) == ["verification_offered"])
    [offer] = messages_at(push_service, phone)
    assert offer["report_id"] == report_id
    assert offer["title"].startswith("附近有待核查的问题：")
    assert offer["title"].endswith(f"#{report_id}")
    assert offer["url"] == "/#/tasks"


def test_the_answer_to_not_fixed_reaches_the_reporters_phone(
    client: TestClient, steps: Steps, people: People, push_service: Receiver
) -> None:
    report_id = post_report(client, people.rider.headers).json()["id"]
    steps.to_resolved(report_id, people.property_unit)
    steps.approve(report_id)
    phone = Device(push_service.url("/push/reporter"))
    opt_in(client, people.rider, phone)
    steps.reopen(report_id, people.rider)
    steps.dispatch(report_id, people.property_unit)

    push_service.wait_until(lambda r: kinds_at(r, phone) == ["report_reopen_answered"])
    [answer] = messages_at(push_service, phone)
    assert answer["title"] == f"您反映的未解决问题已派单，重新处置 #{report_id}"
    assert (answer["report_id"], answer["status"]) == (report_id, "dispatched")


def test_ending_the_account_removes_its_devices_and_their_deliveries(
    client: TestClient, steps: Steps, people: People, push_service: Receiver, session: Session
) -> None:
    phone = Device(push_service.url("/push/leaving"))
    opt_in(client, people.rider, phone)
    steps.accept(post_report(client, people.rider.headers).json()["id"])
    push_service.wait_until(lambda r: kinds_at(r, phone) == ["report_accepted"])
    assert len(deliveries(session)) == 1

    response = client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=people.rider.headers
    )
    assert response.status_code == 200, response.text
    session.expire_all()
    held = select(PushSubscription).where(col(PushSubscription.account_id) == people.rider.id)
    assert list(session.exec(held)) == []
    assert deliveries(session) == []


def test_a_push_endpoint_on_a_private_address_is_refused_unless_allowed(
    database_url: str, settings: Settings, people: People, push_service: Receiver
) -> None:
    app = create_app(make_settings(database_url, settings.data_dir))  # the default rules
    try:
        with TestClient(app) as strict:
            for endpoint in (push_service.url("/push/phone"), "https://127.0.0.1/push/phone"):
                response = strict.post(
                    "/api/v1/me/push-subscriptions",
                    json=Device(endpoint).subscription(),
                    headers=people.rider.headers,
                )
                problem = assert_problem(response, 422)
                assert problem["errors"][0]["field"] == "endpoint"
            listed = strict.get("/api/v1/me/push-subscriptions", headers=people.rider.headers)
            assert listed.json()["items"] == []
    finally:
        app.state.runtime.engine.dispose()


def test_my_data_export_lists_my_devices_without_their_keys(
    client: TestClient, people: People, push_service: Receiver
) -> None:
    phone = Device(push_service.url("/push/mine"))
    opt_in(client, people.rider, phone)
    response = client.get("/api/v1/me/export", headers=people.rider.headers)
    assert response.status_code == 200, response.text
    [device] = response.json()["push_subscriptions"]
    assert device["endpoint"] == phone.endpoint
    assert not {"p256dh", "auth"} & set(device)
