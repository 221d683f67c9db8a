"""The WeChat subscription-message hook: a rider's notifications go, signed, to the sender
that holds the mini-program's credentials (here a receiver on loopback); staff's never do; a
sender that says the rider has no subscription left is not asked again, one that fails is."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from app.push.models import DeliveryChannel, DeliveryStatus
from tests.cases.factories import Steps
from tests.conftest import make_settings
from tests.fixtures.people import People
from tests.push.conftest import PUSH_TEST_SETTINGS
from tests.push.factories import deliveries
from tests.reports.factories import post_report
from tests.waiting import eventually
from tests.webhooks.receiver import Receiver, receiver_on

SENDER_SECRET = "the-mini-program-backend-secret-0123"


@pytest.fixture
def sender() -> Iterator[Receiver]:
    with receiver_on() as receiver:
        yield receiver


@pytest.fixture
def settings(database_url: str, tmp_path: Path, sender: Receiver) -> Settings:
    return make_settings(
        database_url,
        tmp_path / "data",
        **PUSH_TEST_SETTINGS,
        wechat_sender_url=sender.url("/wechat/send"),
        wechat_sender_secret=SENDER_SECRET,
    )


def test_a_riders_news_goes_signed_to_the_wechat_sender_and_staffs_does_not(
    client: TestClient, steps: Steps, people: People, sender: Receiver, session: Session
) -> None:
    report_id = post_report(client, people.rider.headers).json()["id"]
    steps.to_resolved(report_id, people.property_unit)
    steps.approve(report_id)
    sender.wait_until(
        lambda r: "report_closed" in [x.json["notification"]["kind"] for x in r.received]
    )
    closed = next(x for x in sender.received if x.json["notification"]["kind"] == "report_closed")
    assert closed.path == "/wechat/send"
    assert closed.signed_with(SENDER_SECRET)
    assert closed.json["account_id"] == people.rider.id
    assert closed.json["notification"]["title"] == f"已办结，请评价 #{report_id}"
    assert closed.json["notification"]["url"] == f"/#/reports/{report_id}"
    assert closed.headers["x-tantou-delivery"] == str(closed.json["delivery_id"])

    steps.reopen(report_id, people.rider)  # coordinators are told, in the console only
    notified = steps.notifications(people.coordinator)
    assert notified[0]["kind"] == "report_reopened"
    eventually(
        lambda: all(d.status is DeliveryStatus.DELIVERED for d in deliveries(session)),
        what="every WeChat delivery taken",
    )
    written = deliveries(session)
    assert {d.channel for d in written} == {DeliveryChannel.WECHAT}
    assert {d.account_id for d in written} == {people.rider.id}
    assert len(written) == len(steps.notifications(people.rider))


def test_a_sender_with_no_subscription_left_is_not_asked_again_and_a_failing_one_is(
    client: TestClient, steps: Steps, people: People, sender: Receiver, session: Session
) -> None:
    sender.mode = "gone"
    steps.accept(post_report(client, people.rider.headers).json()["id"])
    eventually(lambda: [d.status for d in deliveries(session)] == [DeliveryStatus.GONE])
    assert (deliveries(session)[0].attempts, sender.gone) == (1, 1)

    sender.mode = "fail"
    steps.reject(post_report(client, people.rider.headers).json()["id"])
    sender.wait_until(lambda r: r.refused >= 2)
    sender.mode = "ok"
    sender.wait_until(lambda r: len(r.received) == 1)
    assert sender.received[0].json["notification"]["kind"] == "report_rejected"
    assert sender.gone == 1
