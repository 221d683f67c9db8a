"""The signing key: none from the source is accepted; without a setting one is made, once."""

import logging
import multiprocessing
import stat
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.core.clock import utcnow
from app.core.config import PUBLISHED_SECRET_KEYS, Settings
from app.core.runtime import Runtime
from app.core.secret_key import SECRET_KEY_FILE, SecretKeyError, load_or_create_secret_key
from app.core.security import issue_token
from app.main import create_app
from tests.clients import english_client
from tests.conftest import TEST_SECRET_KEY
from tests.factories import assert_problem, make_account

RACERS = 6


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TANTOU_SECRET_KEY", raising=False)


def _settings_without_a_key(database_url: str, data_dir: Path) -> Settings:
    return Settings(env="test", database_url=database_url, data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]


def _bearer(claims: dict[str, object], key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(claims, key, algorithm='HS256')}"}


def test_an_admin_token_forged_with_the_published_key_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    settings = _settings_without_a_key(database_url, tmp_path / "data")
    runtime = Runtime.from_settings(settings)
    with Session(runtime.engine, expire_on_commit=False) as session:
        admin = make_account(session, Role.ADMIN, "root")
    assert admin.id is not None
    with english_client(create_app(runtime=runtime)) as client:
        for published in PUBLISHED_SECRET_KEYS:
            forged = issue_token(admin.id, secret_key=published, lifetime=timedelta(hours=1))
            headers = {"Authorization": f"Bearer {forged.access_token}"}
            assert_problem(client.get("/api/v1/me", headers=headers), 401)
        genuine = issue_token(admin.id, secret_key=settings.secret_key, lifetime=timedelta(hours=1))
        headers = {"Authorization": f"Bearer {genuine.access_token}"}
        assert client.get("/api/v1/me", headers=headers).json()["role"] == "admin"
    runtime.engine.dispose()


@pytest.mark.parametrize("published", sorted(PUBLISHED_SECRET_KEYS))
def test_a_published_key_given_as_the_setting_is_refused(published: str) -> None:
    with pytest.raises(ValueError, match="published"):
        Settings(secret_key=published, _env_file=None)  # type: ignore[call-arg]


def test_without_a_setting_a_key_is_made_once_kept_owner_only_and_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tantou.config"):
        first = Settings(data_dir=tmp_path, _env_file=None).secret_key  # type: ignore[call-arg]
        again = Settings(data_dir=tmp_path, _env_file=None).secret_key  # type: ignore[call-arg]
    assert first == again
    assert len(first) >= 32
    assert first not in PUBLISHED_SECRET_KEYS
    key_file = tmp_path / SECRET_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first
    made = [r for r in caplog.records if "made a new random secret key" in r.getMessage()]
    assert len(made) == 1
    assert list(tmp_path.glob(".*.tmp")) == []


def test_two_data_dirs_get_different_keys(tmp_path: Path) -> None:
    assert load_or_create_secret_key(tmp_path / "a") != load_or_create_secret_key(tmp_path / "b")


def _race_for_the_key(data_dir: str, barrier: object, keys: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    keys.put(load_or_create_secret_key(Path(data_dir)))  # type: ignore[attr-defined]


def test_processes_starting_at_once_all_sign_with_the_one_key_made(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(RACERS)
    keys = context.Queue()
    racers = [
        context.Process(target=_race_for_the_key, args=(str(tmp_path), barrier, keys))
        for _ in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    seen = {keys.get(timeout=60) for _ in racers}
    for racer in racers:
        racer.join(timeout=60)
        assert racer.exitcode == 0
    assert seen == {(tmp_path / SECRET_KEY_FILE).read_text().strip()}


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    load_or_create_secret_key(tmp_path)
    (tmp_path / SECRET_KEY_FILE).chmod(0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        load_or_create_secret_key(tmp_path)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"sub": "1"}, id="no exp: valid forever"),
        pytest.param({"exp": 4_102_444_800}, id="no sub"),
    ],
)
def test_a_well_signed_token_without_exp_or_sub_is_refused(
    client: TestClient, session: Session, claims: dict[str, object]
) -> None:
    admin = make_account(session, Role.ADMIN, "root")
    full = {
        "sub": str(admin.id),
        "exp": int((utcnow() + timedelta(hours=1)).timestamp()),
        "jti": "a" * 32,
    }
    assert client.get("/api/v1/me", headers=_bearer(full, TEST_SECRET_KEY)).status_code == 200
    partial = {key: full[key] for key in (*claims, "jti")}
    assert_problem(client.get("/api/v1/me", headers=_bearer(partial, TEST_SECRET_KEY)), 401)
