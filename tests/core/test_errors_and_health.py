"""Every error is problem+json; health and readiness; request ids; limits."""

import logging
import shutil
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from app.core import rate_windows
from app.core.config import Settings
from app.core.migrations import upgrade_to_head
from app.core.runtime import Runtime
from app.main import create_app
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import assert_problem


def test_unknown_api_path_is_404_problem(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_405_problem(client: TestClient) -> None:
    assert_problem(client.delete("/api/v1/categories"), 405)


def test_validation_error_is_422_problem_with_field_errors(client: TestClient) -> None:
    body = assert_problem(client.post("/api/v1/riders", json={"phone": 123}), 422)
    fields = {error["field"] for error in body["errors"]}
    assert {"phone", "name", "password", "platform", "community_code"} <= fields


def test_malformed_json_is_422_problem(client: TestClient) -> None:
    response = client.post(
        "/api/v1/riders", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 422)


def test_unexpected_error_is_500_problem_without_trace_and_with_request_id(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(runtime=runtime)
    boom = APIRouter()

    @boom.get("/boom")
    def explode() -> None:
        raise RuntimeError("secret internals")

    app.include_router(boom)
    app.router.routes.insert(0, app.router.routes.pop())  # ahead of the frontend mount at /
    with (
        english_client(app, raise_server_exceptions=False) as client,
        caplog.at_level(logging.ERROR),
    ):
        response = client.get("/boom")
    body = assert_problem(response, 500)
    request_id = response.headers["x-request-id"]
    assert request_id in body["detail"]
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert any("secret internals" in (r.exc_text or "") for r in caplog.records)


def test_every_response_carries_a_request_id_and_keeps_a_sane_incoming_one(
    client: TestClient,
) -> None:
    assert len(client.get("/healthz").headers["x-request-id"]) >= 8
    assert client.get("/healthz").headers["server-timing"].startswith("app;dur=")
    kept = client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
    assert kept.headers["x-request-id"] == "trace-abc.123"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert replaced.headers["x-request-id"] != "bad id\twith spaces"


def test_healthz_is_ok(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_wants_migrations_at_head(empty_database_url: str, tmp_path: Path) -> None:
    runtime = Runtime.from_settings(make_settings(empty_database_url, tmp_path))
    with english_client(create_app(runtime=runtime)) as client:
        assert client.get("/readyz").status_code == 503
        upgrade_to_head(empty_database_url)
        assert client.get("/readyz").json() == {"status": "ok"}
    runtime.engine.dispose()


def test_readyz_wants_a_photo_directory_it_can_write_to(
    empty_database_url: str, tmp_path: Path
) -> None:
    upgrade_to_head(empty_database_url)
    settings = make_settings(empty_database_url, tmp_path / "data")
    runtime = Runtime.from_settings(settings)
    with TestClient(create_app(runtime=runtime)) as client:
        assert client.get("/readyz").json() == {"status": "ok"}
        shutil.rmtree(settings.photo_dir)
        settings.photo_dir.write_bytes(b"")  # a file where the directory should be
        answer = client.get("/readyz")
    runtime.engine.dispose()
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "detail": "photo store: FileExistsError"}


def test_body_over_the_request_limit_is_413_before_reading(
    database_url: str, tmp_path: Path
) -> None:
    runtime = Runtime.from_settings(make_settings(database_url, tmp_path, max_request_bytes=2048))
    with english_client(create_app(runtime=runtime)) as client:
        response = client.post("/api/v1/riders", content=b"x" * 4096)
        assert_problem(response, 413)

        def chunks():  # no Content-Length: the limit is enforced while streaming
            for _ in range(8):
                yield b"y" * 1024

        streamed = client.post(
            "/api/v1/riders", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert_problem(streamed, 413)
    runtime.engine.dispose()


def test_rate_limit_answers_429_problem_when_on(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Mid-minute and still: the sliding window's share of the previous minute stays fixed.
    monkeypatch.setattr(rate_windows, "wall_clock_s", lambda: 60_030.0)
    settings = make_settings(database_url, tmp_path, rate_limits=True, rate_limit_per_minute=5)
    runtime = Runtime.from_settings(settings)
    with english_client(create_app(runtime=runtime)) as client:
        statuses = [client.get("/api/v1/categories").status_code for _ in range(7)]
        assert statuses[:5] == [200] * 5
        assert statuses[5:] == [429, 429]
        limited = client.get("/api/v1/categories")
        assert_problem(limited, 429, slug="rate-limited")
        assert limited.headers["retry-after"] == "60"
        assert client.get("/healthz").status_code == 200  # probes are not limited
    runtime.engine.dispose()


def test_rate_limits_off_lets_a_burst_through(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(database_url, tmp_path, rate_limits=False, rate_limit_per_minute=5)
    runtime = Runtime.from_settings(settings)
    with english_client(create_app(runtime=runtime)) as client:
        assert {client.get("/api/v1/categories").status_code for _ in range(20)} == {200}
    runtime.engine.dispose()


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32"):
        Settings(secret_key="too-short", _env_file=None)  # type: ignore[call-arg]


def test_settings_default_to_sqlite_in_the_data_dir(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'tantou.db').resolve()}"
    assert settings.rate_limits is True


def test_a_bad_work_calendar_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match=r"calendar|periods|JSON"):
        Settings(work_calendar='{"periods": ["25:00-26:00"]}', _env_file=None)  # type: ignore[call-arg]
