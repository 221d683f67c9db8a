"""GET /metrics: who may read it, and what the exposition counts."""

from datetime import timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cases.overdue import run_overdue_check
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import create_db_engine
from app.core.runtime import Runtime
from app.main import create_app
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.metrics.scraping import SCRAPER_HEADERS, sample, sample_labels, scrape
from tests.reports.factories import EventStreamListener, live_server
from tests.waiting import eventually

LATENCY_COUNT = "tantou_http_request_duration_seconds_count"
REPORT_ROUTE = "/api/v1/reports/{report_id}"


def test_metrics_without_credentials_is_refused(client: TestClient) -> None:
    assert_problem(client.get("/metrics"), 401)


def test_metrics_with_a_wrong_token_is_refused(client: TestClient) -> None:
    headers = {"Authorization": f"{SCRAPER_HEADERS['Authorization']}-but-longer"}
    assert_problem(client.get("/metrics", headers=headers), 401)


def test_metrics_refuse_a_coordinator_but_admit_an_admin(
    client: TestClient, people: People
) -> None:
    assert_problem(client.get("/metrics", headers=people.coordinator.headers), 403)
    response = client.get("/metrics", headers=people.admin.headers)
    assert response.status_code == 200
    assert "tantou_http_request_duration_seconds" in response.text


def test_latency_histogram_counts_requests_by_route_template(
    client: TestClient, people: People
) -> None:
    before = scrape(client)
    for report_id in (999_001, 999_002, 999_003):
        client.get(f"/api/v1/reports/{report_id}", headers=people.admin.headers)
    for _ in range(2):
        assert client.get("/api/v1/categories").status_code == 200
    after = scrape(client)

    def moved(**labels: str) -> float:
        return sample(after, LATENCY_COUNT, **labels) - sample(before, LATENCY_COUNT, **labels)

    assert moved(route=REPORT_ROUTE, method="GET", status="4xx") == 3
    assert moved(route="/api/v1/categories", method="GET", status="2xx") == 2
    routes = {labels["route"] for labels in sample_labels(after, LATENCY_COUNT)}
    assert not any("999001" in route for route in routes)


def test_unknown_paths_share_one_label(client: TestClient) -> None:
    before = scrape(client)
    client.get("/api/v1/no-such-thing-1")
    client.get("/api/v1/no-such-thing-2")
    after = scrape(client)
    routes = {labels["route"] for labels in sample_labels(after, LATENCY_COUNT)}
    assert not any("no-such-thing" in route for route in routes)
    moved = sample(after, LATENCY_COUNT, status="4xx") - sample(before, LATENCY_COUNT, status="4xx")
    assert moved == 2


def test_database_checkouts_are_counted(client: TestClient, people: People) -> None:
    before = sample(scrape(client), "tantou_db_checkouts_total")
    client.get("/api/v1/me", headers=people.rider.headers)
    assert sample(scrape(client), "tantou_db_checkouts_total") > before


def test_job_counter_moves_after_a_run(client: TestClient, runtime: Runtime) -> None:
    runs = {"job": "overdue_check", "outcome": "ok"}
    before = scrape(client)
    run_overdue_check(runtime.engine, runtime.settings, utcnow())
    after = scrape(client)
    assert (
        sample(after, "tantou_job_runs_total", **runs)
        - sample(before, "tantou_job_runs_total", **runs)
        == 1
    )
    durations = "tantou_job_duration_seconds_count"
    assert (
        sample(after, durations, job="overdue_check")
        - sample(before, durations, job="overdue_check")
        == 1
    )


def test_a_failed_job_run_is_counted_as_an_error(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    runs = {"job": "overdue_check", "outcome": "error"}
    no_schema = create_db_engine(f"sqlite:///{tmp_path / 'no-schema.db'}")
    before = sample(scrape(client), "tantou_job_runs_total", **runs)
    try:
        run_overdue_check(no_schema, settings, utcnow())
    except Exception:  # no tables: the run fails, as a run against a lost database would
        pass
    else:
        raise AssertionError("the run should have failed")
    finally:
        no_schema.dispose()
    assert sample(scrape(client), "tantou_job_runs_total", **runs) - before == 1


def test_webhook_backlog_gauge_equals_the_pending_deliveries(
    client: TestClient, session: Session, people: People
) -> None:
    subscription = WebhookSubscription(
        url="https://receiver.example/hook",
        events=["report.created"],
        secret="a-receiver-secret-0123456789",
        created_by_id=people.admin.id,
    )
    session.add(subscription)
    session.flush()
    # Due far ahead, so that the delivery worker of the running app leaves them alone.
    later = utcnow() + timedelta(days=1)
    statuses = [DeliveryStatus.PENDING] * 3 + [DeliveryStatus.DELIVERED, DeliveryStatus.FAILED]
    rows = [
        WebhookDelivery(
            delivery_id=f"00000000-0000-4000-8000-00000000000{number}",
            subscription_id=subscription.id,
            event="report.created",
            data={},
            occurred_at=utcnow(),
            next_attempt_at=later,
            status=status,
        )
        for number, status in enumerate(statuses)
    ]
    session.add_all(rows)
    session.commit()
    assert sample(scrape(client), "tantou_webhook_deliveries_pending") == 3

    rows[0].status = DeliveryStatus.DELIVERED
    session.add(rows[0])
    session.commit()
    assert sample(scrape(client), "tantou_webhook_deliveries_pending") == 2


def test_open_streams_gauge_follows_a_stream(runtime: Runtime, people: People) -> None:
    streams = "tantou_event_streams_open"
    with live_server(create_app(runtime=runtime)) as server, httpx.Client(base_url=server) as http:
        before = sample(scrape(http), streams)
        token = people.coordinator.token
        listener = EventStreamListener(server, f"/api/v1/reports/stream?access_token={token}")
        try:
            assert listener.next_message(10).event == "ready"
            assert sample(scrape(http), streams) == before + 1
        finally:
            listener.close()
        eventually(lambda: sample(scrape(http), streams) == before, 10, "the stream counted closed")
