"""Signed photo URLs and GET /api/v1/photos/{key}.jpg."""

import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.photos.keys import content_key
from app.photos.urls import (
    DAY_S,
    is_valid_photo_signature,
    photo_signature,
    photo_url,
    photo_url_expiry,
)
from tests.conftest import TEST_SECRET_KEY
from tests.factories import GRID_POINT, assert_problem, login, make_account, seed_grids
from tests.photos.factories import make_jpeg
from tests.reports.factories import once_redacted

SECRET = "a-secret-key-for-signing-photo-urls-000"
KEY = content_key(b"some photo")
NOON_S = 1_800_000_000 - 1_800_000_000 % DAY_S + DAY_S // 2


@pytest.mark.parametrize(
    ("now_s", "expires_s"),
    [
        (0, 2 * DAY_S),
        (DAY_S - 1, 2 * DAY_S),
        (DAY_S, 3 * DAY_S),
        (NOON_S, NOON_S - DAY_S // 2 + 2 * DAY_S),
    ],
)
def test_urls_expire_one_to_two_days_later_at_a_day_boundary(now_s: int, expires_s: int) -> None:
    assert photo_url_expiry(now_s) == expires_s
    assert DAY_S < expires_s - now_s <= 2 * DAY_S


def test_url_stays_the_same_all_day_so_browsers_can_cache_it() -> None:
    morning = photo_url(KEY, secret_key=SECRET, now_s=NOON_S - 3 * 3600)
    evening = photo_url(KEY, secret_key=SECRET, now_s=NOON_S + 11 * 3600)
    next_day = photo_url(KEY, secret_key=SECRET, now_s=NOON_S + DAY_S)
    assert morning == evening != next_day
    assert morning.startswith(f"/api/v1/photos/{KEY}.jpg?exp=")


@pytest.mark.parametrize(
    ("key", "expires_s", "secret_key", "now_s", "valid"),
    [
        (KEY, 2 * DAY_S, SECRET, DAY_S, True),
        (content_key(b"another photo"), 2 * DAY_S, SECRET, DAY_S, False),
        (KEY, 3 * DAY_S, SECRET, DAY_S, False),
        (KEY, 2 * DAY_S, SECRET + "x", DAY_S, False),
        (KEY, 2 * DAY_S, SECRET, 2 * DAY_S, False),
    ],
    ids=["as issued", "other key", "other expiry", "other secret", "expired"],
)
def test_signature_holds_only_for_its_key_expiry_and_secret_until_it_expires(
    key: str, expires_s: int, secret_key: str, now_s: int, valid: bool
) -> None:
    signature = photo_signature(KEY, 2 * DAY_S, secret_key=SECRET)
    assert (
        is_valid_photo_signature(key, expires_s, signature, secret_key=secret_key, now_s=now_s)
        is valid
    )


@pytest.fixture
def photo_path(client: TestClient, session: Session) -> str:
    """The URL of the display copy of a freshly reported photo."""
    seed_grids(session)
    make_account(session, Role.RIDER, "13800000001")
    lon, lat = GRID_POINT
    headers = login(client, "13800000001")
    response = client.post(
        "/api/v1/reports",
        data={
            "category": "0102",
            "client_id": "5b0a9c2e-8d47-4b8e-9a51-0c6f1e2d3a4b",
            "lat": str(lat),
            "lon": str(lon),
        },
        files=[("photo", ("p.jpg", make_jpeg(800, 600), "image/jpeg"))],
        headers=headers,
    )
    assert response.status_code == 201, response.text
    url: str = once_redacted(client, headers, response.json())["photos"][0]["url"]
    return url


def test_photo_is_served_with_strong_caching_and_nosniff(
    client: TestClient, photo_path: str
) -> None:
    response = client.get(photo_path)  # no bearer token: an <img> cannot send one
    assert response.status_code == 200
    key = urlsplit(photo_path).path.rsplit("/", 1)[1].removesuffix(".jpg")
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["etag"] == f'"{key}"'
    assert response.headers["x-content-type-options"] == "nosniff"
    cache_control = response.headers["cache-control"]
    assert cache_control.startswith("private, max-age=")
    assert cache_control.endswith(", immutable")
    max_age_s = int(cache_control.split("max-age=")[1].split(",")[0])
    assert DAY_S - 60 < max_age_s <= 2 * DAY_S
    assert content_key(response.content) == key
    assert response.content.startswith(b"\xff\xd8")


def test_cached_copy_is_confirmed_without_a_body(client: TestClient, photo_path: str) -> None:
    etag = client.get(photo_path).headers["etag"]
    response = client.get(photo_path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag


def _with_query(path: str, **changes: str) -> str:
    url = urlsplit(path)
    query = {name: values[0] for name, values in parse_qs(url.query).items()} | changes
    return url.path + "?" + "&".join(f"{name}={value}" for name, value in query.items())


def _with_key(path: str, key: str) -> str:
    url = urlsplit(path)
    return f"/api/v1/photos/{key}.jpg?{url.query}"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: _with_query(path, sig="0" * 32),
        lambda path: _with_query(path, sig=""),
        lambda path: _with_query(path, exp=str(int(time.time()) + 30 * DAY_S)),
        lambda path: _with_key(path, content_key(b"someone else's photo")),
    ],
    ids=["wrong signature", "no signature", "longer expiry", "other key"],
)
def test_tampered_links_are_refused(
    client: TestClient, photo_path: str, tamper: Callable[[str], str]
) -> None:
    assert_problem(client.get(tamper(photo_path)), 403)


def test_expired_link_is_refused(client: TestClient, photo_path: str) -> None:
    key = urlsplit(photo_path).path.rsplit("/", 1)[1].removesuffix(".jpg")
    expired_s = int(time.time()) - 1
    signature = photo_signature(key, expired_s, secret_key=TEST_SECRET_KEY)
    response = client.get(f"/api/v1/photos/{key}.jpg?exp={expired_s}&sig={signature}")
    assert "expired" in assert_problem(response, 403)["detail"]


def test_signed_link_to_a_file_not_stored_is_404(client: TestClient, photo_path: str) -> None:
    key = content_key(b"never stored")
    path = photo_url(key, secret_key=TEST_SECRET_KEY, now_s=time.time())
    assert_problem(client.get(path), 404)


@pytest.mark.parametrize("name", ["..%2F..%2Fetc%2Fpasswd", "ABCDEF", "0" * 63])
def test_names_that_are_not_keys_are_refused(client: TestClient, name: str) -> None:
    expires_s = int(time.time()) + DAY_S
    signature = photo_signature(name, expires_s, secret_key=TEST_SECRET_KEY)
    response = client.get(f"/api/v1/photos/{name}.jpg?exp={expires_s}&sig={signature}")
    assert response.status_code in (403, 404)
    assert response.headers["content-type"].startswith("application/problem+json")
