"""docker-compose.yml and its proxy stay in step with the app (no Docker engine runs here, so
the file is held to the settings, routes and proxy rules it relies on)."""

import re
from pathlib import Path
from typing import Any

import yaml

from app.main import create_app
from tests.conftest import make_settings
from tests.core.test_settings_documented import environment_names

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def app_environment(service: str) -> dict[str, str]:
    environment: dict[str, str] = compose()["services"][service]["environment"]
    return environment


def test_every_variable_the_apps_get_is_a_setting() -> None:
    names = set(environment_names())
    for service in ("app-1", "app-2", "migrate"):
        unknown = set(app_environment(service)) - names
        assert unknown == set(), service


def test_the_apps_share_the_database_bucket_and_key() -> None:
    first, second = app_environment("app-1"), app_environment("app-2")
    assert first == second
    assert first["TANTOU_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert first["TANTOU_PHOTO_STORE"].startswith("s3://tantou-photos/")
    assert "TANTOU_SECRET_KEY" in first
    bucket_job = " ".join(compose()["services"]["bucket"]["command"])
    assert "local/tantou-photos" in bucket_job


def test_only_the_proxy_is_trusted_and_it_replaces_forwarded_for() -> None:
    services = compose()["services"]
    proxy_address = services["proxy"]["networks"]["tantou"]["ipv4_address"]
    assert app_environment("app-1")["TANTOU_TRUSTED_PROXIES"] == proxy_address
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    for server in ("app-1", "app-2"):
        assert f"server {server}:8000" in nginx


def test_the_proxy_streams_the_event_route_unbuffered_and_takes_whole_reports(
    tmp_path: Path,
) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'tantou.db'}", tmp_path)
    app = create_app(settings)
    routes = set(app.openapi()["paths"])
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    [stream_path] = re.findall(r"location = (\S+) \{[^}]*proxy_buffering off;", nginx)
    assert stream_path in routes
    [body_mb] = re.findall(r"client_max_body_size (\d+)m;", nginx)
    assert int(body_mb) * 1024 * 1024 >= settings.max_request_bytes


def test_apps_start_after_the_migration_and_the_bucket() -> None:
    services = compose()["services"]
    for server in ("app-1", "app-2"):
        depends = services[server]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["bucket"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["tantou", "migrate"]
