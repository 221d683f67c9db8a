"""Web Push end to end: a case's steps reach its followers' devices through a push service on
loopback, encrypted for each device (RFC 8291) and signed with the VAPID key (RFC 8292); the
push service's failures are retried, its expired subscriptions removed, and a rider keeps,
sees and removes only their own devices."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.runtime import Runtime
from app.main import create_app
from app.notifications.messages import report_status_message
from app.notifications.service import notify
from app.push.models import DeliveryChannel, DeliveryStatus
from app.push.subscriptions import subscribe
from app.reports.states import ReportStatus
from tests.cases.factories import Steps
from tests.fixtures.people import People
from tests.push.conftest import VAPID_SUBJECT
from tests.push.device import Device, vapid_claims
from tests.push.factories import (
    deliveries,
    kinds_at,
    messages_at,
    my_subscriptions,
    opt_in,
    public_key,
)
from tests.reports.factories import post_report
from tests.waiting import eventually
from tests.webhooks.receiver import Receiver


def test_closing_a_case_pushes_the_news_encrypted_to_its_reporter_and_supporter(
    client: TestClient, steps: Steps, people: People, push_service: Receiver
) -> None:
    phone = Device(push_service.url("/push/reporter-phone"))
    supporter_phone = Device(push_service.url("/push/supporter-phone"))
    opt_in(client, people.rider, phone)
    opt_in(client, people.other_rider, supporter_phone)
    report_id = post_report(client, people.rider.headers).json()["id"]
    steps.accept(report_id)
    joined = steps.post(f"/reports/{report_id}/supporters", people.other_rider)
    assert joined.status_code == 201, joined.text
    steps.to_resolved(report_id, people.property_unit, accepted=True)
    steps.approve(report_id)

    for device in (phone, supporter_phone):
        push_service.wait_until(lambda r, d=device: "report_closed" in kinds_at(r, d))
    [request] = [
        r
        for r in push_service.received
        if r.path == "/push/reporter-phone" and phone.decrypt(r)["kind"] == "report_closed"
    ]
    claims = vapid_claims(request, public_key=public_key(client, people.rider))
    assert claims["sub"] == VAPID_SUBJECT
    assert int(request.headers["ttl"]) > 0
    closed = phone.decrypt(request)
    assert closed["report_id"] == report_id
    assert closed["status"] == "closed"
    assert closed["title"] == f"已办结，请评价 #{report_id}"
    assert closed["title_en"] == f"Case #{report_id} closed: please rate it"
    assert closed["url"] == f"/#/reports/{report_id}"
    # Every step the reporter's inbox got reached the phone, in order.
    assert kinds_at(push_service, phone) == [
        n["kind"] for n in reversed(steps.notifications(people.rider))
    ]
    supporter_closed = [m for m in messages_at(push_service, supporter_phone)][-1]
    assert (supporter_closed["kind"], supporter_closed["report_id"]) == ("report_closed", report_id)


def test_a_hanging_push_service_does_not_hold_up_the_request(
    client: TestClient, steps: Steps, people: People, push_service: Receiver
) -> None:
    opt_in(client, people.rider, Device(push_service.url("/push/phone")))
    push_service.mode = "hang"
    report_id = post_report(client, people.rider.headers).json()["id"]
    steps.accept(report_id)  # answered while its push hangs at the push service
    push_service.wait_until(lambda r: r.hanging >= 1)
    steps.reject(post_report(client, people.rider.headers).json()["id"])
    assert steps.report(report_id)["status"] == "accepted"


def test_a_push_service_answering_5xx_is_tried_again_until_it_takes_the_message(
    client: TestClient, steps: Steps, people: People, push_service: Receiver, session: Session
) -> None:
    phone = Device(push_service.url("/push/phone"))
    opt_in(client, people.rider, phone)
    push_service.mode = "fail"
    report_id = post_report(client, people.rider.headers).json()["id"]
    steps.accept(report_id)
    push_service.wait_until(lambda r: r.refused >= 3)
    [waiting] = deliveries(session)
    assert waiting.status is DeliveryStatus.PENDING
    assert (waiting.last_status_code, waiting.last_error) == (500, "HTTP 500")

    push_service.mode = "ok"
    push_service.wait_until(lambda r: kinds_at(r, phone) == ["report_accepted"])
    eventually(lambda: deliveries(session)[0].status is DeliveryStatus.DELIVERED, what="stored")
    assert deliveries(session)[0].attempts >= 4


def test_a_subscription_the_push_service_says_is_gone_is_removed(
    client: TestClient, steps: Steps, people: People, push_service: Receiver, session: Session
) -> None:
    old = Device(push_service.url("/push/old-phone"))
    opt_in(client, people.rider, old)
    current = Device(push_service.url("/push/new-phone"))
    opt_in(client, people.rider, current)
    push_service.mode = "gone"
    report_id = post_report(client, people.rider.headers).json()["id"]
    steps.accept(report_id)
    push_service.wait_until(lambda r: r.gone >= 2)
    eventually(lambda: my_subscriptions(client, people.rider) == [], what="both removed")
    assert deliveries(session) == []

    opt_in(client, people.rider, current)
    push_service.mode = "ok"
    steps.dispatch(report_id, people.property_unit)
    push_service.wait_until(lambda r: kinds_at(r, current) == ["report_dispatched"])
    assert [s["endpoint"] for s in my_subscriptions(client, people.rider)] == [current.endpoint]
    assert kinds_at(push_service, old) == []


def test_an_unsubscribed_device_gets_nothing_more_while_the_others_still_do(
    client: TestClient, steps: Steps, people: People, push_service: Receiver
) -> None:
    kept, dropped = Device(push_service.url("/push/kept")), Device(push_service.url("/push/drop"))
    opt_in(client, people.rider, kept)
    gone = opt_in(client, people.rider, dropped)
    response = client.delete(
        f"/api/v1/me/push-subscriptions/{gone['id']}", headers=people.rider.headers
    )
    assert response.status_code == 204
    assert [s["endpoint"] for s in my_subscriptions(client, people.rider)] == [kept.endpoint]
    steps.accept(post_report(client, people.rider.headers).json()["id"])
    push_service.wait_until(lambda r: kinds_at(r, kept) == ["report_accepted"])
    assert kinds_at(push_service, dropped) == []


def test_a_rider_sees_and_removes_only_their_own_devices(
    client: TestClient, people: People, push_service: Receiver
) -> None:
    mine = opt_in(client, people.rider, Device(push_service.url("/push/mine")))
    theirs = opt_in(client, people.other_rider, Device(push_service.url("/push/theirs")))
    assert [s["id"] for s in my_subscriptions(client, people.rider)] == [mine["id"]]
    response = client.delete(
        f"/api/v1/me/push-subscriptions/{theirs['id']}", headers=people.rider.headers
    )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [s["id"] for s in my_subscriptions(client, people.other_rider)] == [theirs["id"]]
    for staff in (people.coordinator, people.property_unit):
        refused = client.get("/api/v1/me/push-subscriptions", headers=staff.headers)
        assert refused.status_code == 403


def test_the_same_device_again_updates_it_and_a_new_rider_on_it_takes_it_over(
    client: TestClient, people: People, push_service: Receiver
) -> None:
    phone = Device(push_service.url("/push/shared-phone"))
    first = opt_in(client, people.rider, phone)
    phone.auth_secret = bytes(16)  # the browser renewed its keys
    again = opt_in(client, people.rider, phone, status=200)
    assert again["id"] == first["id"]
    taken = opt_in(client, people.other_rider, phone)
    assert taken["id"] == first["id"]
    assert my_subscriptions(client, people.rider) == []
    assert [s["id"] for s in my_subscriptions(client, people.other_rider)] == [first["id"]]


def test_a_subscription_with_bad_keys_is_refused_with_the_field_named(
    client: TestClient, people: People, push_service: Receiver
) -> None:
    subscription = Device(push_service.url("/push/phone")).subscription()
    for keys, field in (
        ({**subscription["keys"], "p256dh": "bm90IGEga2V5"}, "p256dh"),
        ({**subscription["keys"], "auth": "c2hvcnQ"}, "auth"),
    ):
        response = client.post(
            "/api/v1/me/push-subscriptions",
            json={**subscription, "keys": keys},
            headers=people.rider.headers,
        )
        assert response.status_code == 422, response.text
        assert any(e["field"].endswith(field) for e in response.json()["errors"])
    assert my_subscriptions(client, people.rider) == []


def test_each_followers_device_gets_its_own_delivery(
    client: TestClient, steps: Steps, people: People, push_service: Receiver, session: Session
) -> None:
    opt_in(client, people.rider, Device(push_service.url("/push/a")))
    opt_in(client, people.rider, Device(push_service.url("/push/b")))
    steps.accept(post_report(client, people.rider.headers).json()["id"])
    push_service.wait_until(lambda r: len(r.received) == 2)
    written = deliveries(session)
    assert [d.channel for d in written] == [DeliveryChannel.WEB_PUSH] * 2
    assert len({d.subscription_id for d in written}) == 2
    assert {d.notification_id for d in written} == {steps.notifications(people.rider)[0]["id"]}


def test_news_made_while_no_worker_runs_is_sent_when_one_starts(
    runtime: Runtime, session: Session, people: People, push_service: Receiver
) -> None:
    phone = Device(push_service.url("/push/phone"))
    keys = phone.subscription()["keys"]
    subscribe(session, people.rider.id, endpoint=phone.endpoint, user_agent="", **keys)
    message = report_status_message(1, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, None)
    assert message is not None
    assert message.title_zh == "问题已受理 #1"
    notify(session, [people.rider.id], message, dedupe_key="before-the-crash")
    session.commit()  # stored with its change; the process dies before any worker saw it

    app = create_app(runtime=runtime)
    with TestClient(app):
        push_service.wait_until(lambda r: kinds_at(r, phone) == ["report_accepted"])
    assert messages_at(push_service, phone)[0]["title"] == "问题已受理 #1"
