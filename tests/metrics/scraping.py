"""Reading /metrics as Prometheus would."""

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.metrics.conftest import SCRAPER_TOKEN

SCRAPER_HEADERS = {"Authorization": f"Bearer {SCRAPER_TOKEN}"}


def scrape(client: Any) -> str:
    """The exposition, fetched with the scraper's token (a TestClient or an httpx.Client)."""
    response = client.get("/metrics", headers=SCRAPER_HEADERS)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    text: str = response.text
    return text


def sample(exposition: str, name: str, **labels: str) -> float:
    """The value of the sample `name` whose labels include `labels`, summed; 0 when absent."""
    return sum(
        found.value
        for family in text_string_to_metric_families(exposition)
        for found in family.samples
        if found.name == name and labels.items() <= found.labels.items()
    )


def sample_labels(exposition: str, name: str) -> list[dict[str, str]]:
    """The label sets of every sample named `name`."""
    return [
        found.labels
        for family in text_string_to_metric_families(exposition)
        for found in family.samples
        if found.name == name
    ]
