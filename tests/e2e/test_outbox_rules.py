"""The outbox's rules, run in the browser on the shipped modules: what each answer means, and
how long to wait before trying again."""

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_page(page: Page) -> Page:
    page.goto("/#/login")
    return page


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (201, "sent"),
        (200, "sent"),  # a replay of a report the server already has
        (401, "login"),  # token expired: keep it, log in again
        (408, "retry"),
        (429, "retry"),
        (500, "retry"),
        (503, "retry"),
        (400, "refused"),
        (403, "refused"),
        (409, "refused"),  # the same client_id with other content
        (413, "refused"),
        (415, "refused"),
        (422, "refused"),
    ],
)
def test_each_answer_sends_keeps_or_refuses_the_report(
    app_page: Page, status: int, outcome: str
) -> None:
    assert (
        app_page.evaluate(
            "async (status) => (await import('/js/outbox-send.js')).outcomeOf(status)", status
        )
        == outcome
    )


@pytest.mark.parametrize(
    ("attempts", "low_ms", "high_ms"),
    [(1, 3_750, 6_250), (2, 7_500, 12_500), (4, 30_000, 50_000), (20, 225_000, 375_000)],
)
def test_retry_waits_double_up_to_five_minutes_with_jitter(
    app_page: Page, attempts: int, low_ms: int, high_ms: int
) -> None:
    delays = app_page.evaluate(
        """async (attempts) => {
          const { retryDelayMs } = await import('/js/outbox-send.js');
          return [retryDelayMs(attempts, () => 0), retryDelayMs(attempts, () => 0.999999)];
        }""",
        attempts,
    )
    assert low_ms <= delays[0] <= delays[1] <= high_ms


def test_refusal_reason_joins_the_detail_and_the_field_messages(app_page: Page) -> None:
    refusal = app_page.evaluate(
        """async () => (await import('/js/outbox-send.js')).refusalOf(422, {
          title: "Unprocessable content", detail: "category: no such category",
          errors: [{field: "category", message: "no such category"},
                   {field: "lat", message: "out of range"}]})"""
    )
    assert refusal == {
        "status": 422,
        "title": "Unprocessable content",
        "detail": "category: no such category\nlat: out of range",
    }
