"""The whole photo path on an S3 bucket (a real S3-protocol server): upload, redaction, sealed
original, serving through the app or by the store's signed URL, reveal, sweep and backup."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.backup.photos import copy_store, refuse_missing, restore_store
from app.core.config import Settings
from app.core.migrations import upgrade_to_head
from app.core.runtime import Runtime
from app.main import create_app
from app.photos.file_store import FileStore
from app.photos.keys import content_key
from app.photos.s3_store import S3Store
from app.photos.sealing import original_store, unseal
from app.photos.storage import photo_store
from app.reports.models import Report, ReportPhoto
from app.reports.photo_sweep import SEALED_ORIGINALS, sweep_photo_store
from tests.clients import english_client
from tests.conftest import TEST_SECRET_KEY, make_settings
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.postgres import free_port
from tests.reports.factories import count_rows, once_redacted, post_report
from tests.reports.test_photo_redaction import ASTRONAUT, residual_detail
from tests.s3 import S3Server


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    return s3_server.new_bucket()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, s3_server: S3Server, bucket: str) -> Settings:
    """Every test here runs the app on a bucket of its own (and on both databases)."""
    return make_settings(database_url, tmp_path / "data", **s3_server.settings_for(bucket))


@pytest.fixture
def reported(client: TestClient, people: People) -> dict[str, Any]:
    """The astronaut's portrait reported by a rider, read back once redacted."""
    sent = post_report(client, people.rider.headers, (ASTRONAUT,))
    assert sent.status_code == 201, sent.text
    report: dict[str, Any] = once_redacted(client, people.rider.headers, sent.json())
    return report


@contextmanager
def served_with(settings: Settings) -> Iterator[TestClient]:
    """The app on the same database and bucket with other settings."""
    runtime = Runtime.from_settings(settings)
    try:
        with english_client(create_app(runtime=runtime)) as client:
            yield client
    finally:
        runtime.engine.dispose()


def test_readyz_asks_the_bucket(
    empty_database_url: str, tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    upgrade_to_head(empty_database_url)
    settings = make_settings(empty_database_url, tmp_path, **s3_server.settings_for(bucket))
    with served_with(settings) as client:
        assert client.get("/readyz").json() == {"status": "ok"}
    with served_with(
        settings.model_copy(update={"photo_store": "s3://no-such-bucket/city"})
    ) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "unavailable",
        "detail": "photo store: PhotoStoreUnavailable",
    }


def stored_photo(session: Session) -> ReportPhoto:
    [photo] = session.exec(select(ReportPhoto)).all()
    return photo


def test_photos_and_sealed_originals_live_in_the_bucket_only(
    reported: dict[str, Any], session: Session, settings: Settings, s3_server: S3Server, bucket: str
) -> None:
    photo = stored_photo(session)
    assert photo.original_key is not None
    names = s3_server.object_names(bucket)

    def name(area: str, key: str) -> str:
        return f"city/{area}/{key[:2]}/{key[2:4]}/{key}.jpg"

    assert name("photos", photo.display_key) in names
    assert name("photos", photo.thumbnail_key) in names
    assert name("originals", photo.original_key) in names
    assert all(entry.startswith(("city/photos/", "city/originals/")) for entry in names)
    assert not (settings.data_dir / "photos").exists()
    assert not (settings.data_dir / "originals").exists()
    sealed = original_store(settings).read(photo.original_key)
    original = unseal(sealed, secret_key=TEST_SECRET_KEY, bound_to=photo.display_key)
    box = photo.redacted_regions[0]["box"]
    assert isinstance(box, list)
    assert residual_detail(original, box) > 10  # the face as taken, only in the sealed copy


def test_the_app_serves_the_redacted_copy_from_the_bucket(
    client: TestClient, reported: dict[str, Any], session: Session, settings: Settings
) -> None:
    [served] = reported["photos"]

    response = client.get(served["url"])

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"].endswith(", immutable")
    photo = stored_photo(session)
    assert response.content == photo_store(settings).read(photo.display_key)
    assert content_key(response.content) == photo.display_key
    box = photo.redacted_regions[0]["box"]
    assert isinstance(box, list)
    assert residual_detail(response.content, box) < 2  # pixelated in what is served
    assert (
        client.get(served["url"], headers={"If-None-Match": f'"{photo.display_key}"'}).status_code
        == 304
    )


def test_a_signed_link_to_an_object_not_in_the_bucket_is_404(
    client: TestClient, reported: dict[str, Any], session: Session, settings: Settings
) -> None:
    [served] = reported["photos"]
    photo_store(settings).delete(stored_photo(session).display_key)

    response = client.get(served["url"])

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_signed_url_delivery_redirects_to_the_store_for_a_short_while(
    reported: dict[str, Any], runtime: Runtime, session: Session, s3_server: S3Server
) -> None:
    signed = runtime.settings.model_copy(update={"photo_delivery": "signed_url"})
    [served] = reported["photos"]
    with served_with(signed) as client:
        response = client.get(served["url"], follow_redirects=False)
        page = client.get("/")
        refused = client.get(served["url"].replace("sig=", "sig=0"), follow_redirects=False)

    assert response.status_code == 307
    location = response.headers["location"]
    assert location.startswith(f"{s3_server.endpoint_url}/")
    assert "X-Amz-Signature=" in location
    expires_s = int(location.split("X-Amz-Expires=")[1].split("&")[0])
    assert 0 < expires_s <= 300
    assert response.headers["cache-control"] == f"private, max-age={expires_s // 2}"
    from_store = httpx.get(location)
    assert from_store.status_code == 200
    assert content_key(from_store.content) == stored_photo(session).display_key
    assert refused.status_code == 403  # the app still checks its own link first
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(s3_server.endpoint_url))
    policy = page.headers["content-security-policy"]
    assert f"img-src 'self' data: blob: {origin}" in policy


def test_the_sweep_removes_orphans_from_the_bucket_and_keeps_what_reports_name(
    reported: dict[str, Any], runtime: Runtime, session: Session, settings: Settings
) -> None:
    photo = stored_photo(session)
    store, originals = photo_store(settings), original_store(settings)
    orphan = store.put(b"\xff\xd8 a photo whose report never committed \xff\xd9")
    sealed_orphan = originals.put(b"TSO1 a sealed original of no photo")
    # A cutoff after every write stands for "older than the grace period".
    after_everything = timedelta(seconds=-5)

    served = sweep_photo_store(runtime.engine, store, grace=after_everything)
    sealed = sweep_photo_store(
        runtime.engine, originals, grace=after_everything, columns=SEALED_ORIGINALS
    )

    # The orphans go, and so do the copies taken in before redaction replaced them.
    assert not store.exists(orphan)
    assert not originals.exists(sealed_orphan)
    assert set(store.stored_keys()) == {photo.display_key, photo.thumbnail_key}
    assert list(originals.stored_keys()) == [photo.original_key]
    assert served.unreferenced_removed >= 1
    assert sealed.unreferenced_removed == 1


def test_backups_copy_the_bucket_and_restore_into_a_directory(
    reported: dict[str, Any], session: Session, settings: Settings, tmp_path: Path
) -> None:
    photo = stored_photo(session)

    copied = copy_store(photo_store(settings), tmp_path / "backup")
    refuse_missing(tmp_path / "backup", [photo.display_key, photo.thumbnail_key])
    directory = FileStore(tmp_path / "restored" / "photos")
    restored = restore_store(tmp_path / "backup", directory)

    assert len(copied) == restored == len(list(photo_store(settings).stored_keys()))
    bucket_copy = photo_store(settings).read(photo.display_key)
    assert directory.read(photo.display_key) == bucket_copy
    assert directory.exists(photo.thumbnail_key)


def test_settings_refuse_a_bad_store_and_signed_urls_without_one(tmp_path: Path) -> None:
    for store in ("s3://", "s3://Bad_Bucket/x", "gs://bucket", "/var/photos"):
        with pytest.raises(ValueError, match="TANTOU_PHOTO_STORE"):
            make_settings("sqlite://", tmp_path, photo_store=store)
    with pytest.raises(ValueError, match="signed_url"):
        make_settings("sqlite://", tmp_path, photo_delivery="signed_url")
    accepted = make_settings("sqlite://", tmp_path, photo_store="s3://tantou-photos")
    assert isinstance(photo_store(accepted), S3Store)


def test_an_unreachable_store_answers_503_and_keeps_nothing(
    runtime: Runtime, people: People, session: Session
) -> None:
    away = runtime.settings.model_copy(
        update={"s3_endpoint_url": f"http://127.0.0.1:{free_port()}"}
    )
    session.close()
    with served_with(away) as client:
        response = post_report(client, people.rider.headers, (ASTRONAUT,))

    problem = assert_problem(response, 503)
    assert "photo store" in problem["detail"]
    assert response.headers["retry-after"]
    assert count_rows(session, Report) == 0
