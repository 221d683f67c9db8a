"""The outbox's claims: leases that never overlap, order per report, take-over after a crash,
retries with back-off, giving up; and the pure rules beneath them."""

import random
import threading
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from app.accounts.models import Account, Role
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import session_scope
from app.core.outbound import is_public_address
from app.core.runtime import Runtime
from app.webhooks import outbox, service
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from app.webhooks.outbox import Outcome
from app.webhooks.retry import retry_delay_s
from app.webhooks.schemas import WebhookCreate
from tests.fixtures.people import People
from tests.fixtures.reports import make_report
from tests.webhooks.factories import SECRET, deliveries

LEASE = timedelta(seconds=30)


def _subscription(session: Session, people: People) -> WebhookSubscription:
    admin = session.get_one(Account, people.admin.id)
    assert admin.role is Role.ADMIN
    body = WebhookCreate(url="http://127.0.0.1:9/hook", events=["report.created"], secret=SECRET)
    subscription = service.create_subscription(session, admin, body, allow_private=True)
    session.commit()
    return subscription


def _write(session: Session, subscription: WebhookSubscription, n: int, **kw: object) -> None:
    for i in range(n):
        outbox.write_deliveries(
            session, [subscription], "report.created", {"n": i}, occurred_at=utcnow(), **kw
        )
    session.commit()


def _claim(runtime: Runtime, worker: str, *, at_s: float = 0, limit: int = 10) -> list[int]:
    with session_scope(runtime.engine) as session:
        claimed = outbox.claim_due(
            session,
            worker_id=worker,
            now=utcnow() + timedelta(seconds=at_s),
            lease=LEASE,
            limit=limit,
            in_flight={},
            per_subscription=100,
        )
        session.commit()
    return [c.id for c in claimed]


def _record(
    runtime: Runtime,
    delivery_id: int,
    outcome: Outcome,
    *,
    worker: str,
    settings: Settings,
    at: datetime | None = None,
) -> None:
    with session_scope(runtime.engine) as session:
        [claimed] = outbox.load_claimed(session, [delivery_id])
        outbox.record_outcome(
            session, claimed, outcome, worker_id=worker, now=at or utcnow(), settings=settings
        )
        session.commit()


def test_two_workers_claiming_at_once_never_share_a_delivery(
    session: Session, people: People, runtime: Runtime
) -> None:
    _write(session, _subscription(session, people), 60)
    claims: dict[str, list[int]] = {"a": [], "b": []}

    def drain(worker: str) -> None:
        while batch := _claim(runtime, worker, limit=3):
            claims[worker].extend(batch)

    threads = [threading.Thread(target=drain, args=(w,)) for w in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not set(claims["a"]) & set(claims["b"])
    assert len(claims["a"]) + len(claims["b"]) == 60


def test_a_later_delivery_of_a_report_waits_for_the_earlier_one(
    session: Session, people: People, runtime: Runtime, settings: Settings
) -> None:
    subscription = _subscription(session, people)
    report = make_report(session, people.rider.id)
    _write(session, subscription, 2, report_id=report.id)
    _write(session, subscription, 1)  # no report: not held back
    first, second, unrelated = deliveries(session)
    assert _claim(runtime, "a") == [first.id, unrelated.id]
    assert _claim(runtime, "b") == []  # the second waits while the first is pending

    _record(
        runtime, first.id, Outcome(delivered=False, error="HTTP 500"), worker="a", settings=settings
    )
    assert _claim(runtime, "b", at_s=5) == [first.id]  # retried, still before the second
    _record(
        runtime, first.id, Outcome(delivered=True, status_code=200), worker="b", settings=settings
    )
    assert _claim(runtime, "b") == [second.id]


def test_a_crashed_workers_lease_expires_and_another_takes_over(
    session: Session, people: People, runtime: Runtime, settings: Settings
) -> None:
    _write(session, _subscription(session, people), 1)
    [delivery_id] = _claim(runtime, "crashed")
    assert _claim(runtime, "survivor", at_s=LEASE.total_seconds() - 1) == []
    assert _claim(runtime, "survivor", at_s=LEASE.total_seconds() + 1) == [delivery_id]

    # The crashed worker's late answer is not recorded: the lease is no longer its own.
    _record(runtime, delivery_id, Outcome(delivered=True), worker="crashed", settings=settings)
    [row] = deliveries(session)
    assert row.status is DeliveryStatus.PENDING
    assert row.locked_by == "survivor"


def test_a_failed_try_is_retried_after_about_the_first_delay_and_given_up_after_the_limit(
    session: Session, people: People, runtime: Runtime, settings: Settings
) -> None:
    _write(session, _subscription(session, people), 1)
    [delivery_id] = _claim(runtime, "a")
    now = utcnow()
    _record(
        runtime,
        delivery_id,
        Outcome(delivered=False, error="boom"),
        worker="a",
        settings=settings,
        at=now,
    )
    [row] = deliveries(session)
    delay_s = (row.next_attempt_at - now).total_seconds()
    first = settings.webhook_retry_first_seconds
    assert 0.75 * first <= delay_s <= 1.25 * first
    assert (row.attempts, row.last_error, row.locked_by) == (1, "boom", None)

    [delivery_id] = _claim(runtime, "a", at_s=5)
    later = utcnow() + timedelta(hours=settings.webhook_give_up_hours, seconds=1)
    _record(
        runtime,
        delivery_id,
        Outcome(delivered=False, error="boom"),
        worker="a",
        settings=settings,
        at=later,
    )
    [row] = deliveries(session)
    assert row.status is DeliveryStatus.FAILED
    assert _claim(runtime, "a", at_s=7200) == []


def test_deliveries_roll_back_with_the_change_that_wrote_them(
    session: Session, people: People
) -> None:
    subscription = _subscription(session, people)
    outbox.write_deliveries(session, [subscription], "report.created", {}, occurred_at=utcnow())
    session.rollback()
    assert deliveries(session) == []
    assert session.get(WebhookDelivery, 1) is None


@pytest.mark.parametrize(
    ("attempts", "nominal_s"),
    [(1, 1.0), (2, 2.0), (3, 4.0), (10, 512.0), (12, 2048.0), (13, 3600.0), (500, 3600.0)],
)
def test_retry_delays_double_from_the_first_with_jitter_and_a_cap(
    attempts: int, nominal_s: float
) -> None:
    rand = random.Random(attempts)
    delays = [retry_delay_s(attempts, first_s=1.0, max_s=3600.0, rand=rand) for _ in range(200)]
    assert min(delays) >= 0.75 * nominal_s
    assert max(delays) <= min(1.25 * nominal_s, 3600.0)
    assert len(set(delays)) > 1 or nominal_s == 3600.0


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.215.14", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public
