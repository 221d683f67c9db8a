"""What every photo store does alike: the local directory and an S3 bucket on a real S3 server."""

import hashlib
import threading
import time
from pathlib import Path

import pytest

from app.photos.file_store import FileStore
from app.photos.keys import content_key
from app.photos.s3_store import S3Store
from app.photos.storage import PhotoStore, photo_store, store_area
from tests.conftest import make_settings
from tests.s3 import S3Server

PHOTO = b"\xff\xd8 pretend this is a photo \xff\xd9"
OTHER_PHOTO = b"\xff\xd8 another photo \xff\xd9"
SECOND_NS = 1_000_000_000


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PhotoStore:
    settings: dict[str, object] = {}
    if request.param == "s3":
        server: S3Server = request.getfixturevalue("s3_server")
        settings = server.settings_for(server.new_bucket())
    return photo_store(make_settings("sqlite://", tmp_path / "data", **settings))


def test_the_setting_chooses_the_store(tmp_path: Path, s3_server: S3Server) -> None:
    local = make_settings("sqlite://", tmp_path / "data")
    bucket = s3_server.new_bucket()
    remote = make_settings("sqlite://", tmp_path / "data", **s3_server.settings_for(bucket))

    assert isinstance(photo_store(local), FileStore)
    assert isinstance(photo_store(remote), S3Store)
    originals = store_area(remote, "originals")
    assert isinstance(originals, S3Store)
    assert (originals.bucket, originals.root) == (bucket, "city/originals/")


def test_put_stores_the_bytes_under_their_sha256(store: PhotoStore) -> None:
    key = store.put(PHOTO)

    assert key == hashlib.sha256(PHOTO).hexdigest()
    assert store.exists(key)
    assert store.read(key) == PHOTO
    assert list(store.stored_keys()) == [key]


def test_putting_the_same_bytes_again_keeps_one_object(store: PhotoStore) -> None:
    assert store.put(PHOTO) == store.put(PHOTO)
    assert list(store.stored_keys()) == [content_key(PHOTO)]


def test_a_missing_key_reads_as_file_not_found_and_deletes_quietly(store: PhotoStore) -> None:
    key = store.put(PHOTO)

    store.delete(key)
    store.delete(key)

    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.read(key)


@pytest.mark.parametrize("key", ["../../etc/passwd", content_key(PHOTO).upper(), ""])
def test_keys_that_are_not_sha256_hex_are_refused(store: PhotoStore, key: str) -> None:
    with pytest.raises(ValueError, match="not a photo key"):
        store.read(key)


def test_keys_are_listed_in_key_order_with_their_prefixes(store: PhotoStore) -> None:
    photos = [f"photo {number}".encode() for number in range(12)]
    keys = sorted(store.put(photo) for photo in photos)

    assert list(store.stored_keys()) == keys
    assert store.prefixes() == sorted({key[:2] for key in keys})


def test_a_successful_unit_of_work_keeps_what_it_put(store: PhotoStore) -> None:
    with store.staged() as writes:
        key = writes.put(PHOTO)

    assert store.read(key) == PHOTO


def test_the_sweep_sees_old_objects_and_not_new_ones(store: PhotoStore) -> None:
    key = store.put(PHOTO)
    prefix = key[:2]

    _staged, before = store.sweep_directory(prefix, older_than_ns=time.time_ns() - 60 * SECOND_NS)
    _staged, after = store.sweep_directory(prefix, older_than_ns=time.time_ns() + 60 * SECOND_NS)

    assert (before, after) == ([], [key])


def test_remove_stale_keeps_an_object_stored_since_the_cutoff(store: PhotoStore) -> None:
    cutoff_ns = time.time_ns() - 60 * SECOND_NS
    key = store.put(PHOTO)

    assert not store.remove_stale(key, unused_since_ns=cutoff_ns)
    assert store.exists(key)
    assert store.remove_stale(key, unused_since_ns=time.time_ns() + 60 * SECOND_NS)
    assert not store.exists(key)
    assert not store.remove_stale(key, unused_since_ns=time.time_ns() + 60 * SECOND_NS)


def test_concurrent_writers_of_the_same_bytes_leave_one_whole_object(store: PhotoStore) -> None:
    start_together = threading.Barrier(8)
    keys: list[str] = []

    def write() -> None:
        start_together.wait()
        keys.append(store.put(PHOTO))

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(keys) == {content_key(PHOTO)}
    assert store.read(content_key(PHOTO)) == PHOTO


def test_s3_objects_live_under_the_prefix_and_area(tmp_path: Path, s3_server: S3Server) -> None:
    bucket = s3_server.new_bucket()
    settings = make_settings("sqlite://", tmp_path / "data", **s3_server.settings_for(bucket))

    key = photo_store(settings).put(PHOTO)
    sealed_key = store_area(settings, "originals").put(OTHER_PHOTO)

    assert s3_server.object_names(bucket) == sorted(
        [
            f"city/photos/{key[:2]}/{key[2:4]}/{key}.jpg",
            f"city/originals/{sealed_key[:2]}/{sealed_key[2:4]}/{sealed_key}.jpg",
        ]
    )
    client = s3_server.client()
    served = client.head_object(Bucket=bucket, Key=f"city/photos/{key[:2]}/{key[2:4]}/{key}.jpg")
    assert served["ContentType"] == "image/jpeg"
    sealed = client.head_object(
        Bucket=bucket, Key=f"city/originals/{sealed_key[:2]}/{sealed_key[2:4]}/{sealed_key}.jpg"
    )
    assert sealed["ContentType"] == "application/octet-stream"
    assert not (tmp_path / "data" / "photos").exists()


def test_s3_store_ignores_objects_that_are_not_photos(tmp_path: Path, s3_server: S3Server) -> None:
    bucket = s3_server.new_bucket()
    store = photo_store(
        make_settings("sqlite://", tmp_path / "data", **s3_server.settings_for(bucket))
    )
    key = store.put(PHOTO)
    client = s3_server.client()
    client.put_object(Bucket=bucket, Key="city/photos/ab/cd/readme.txt", Body=b"not ours")
    client.put_object(Bucket=bucket, Key="city/photos/zz/notes.jpg", Body=b"not ours")
    client.put_object(Bucket=bucket, Key=f"elsewhere/{key}.jpg", Body=b"not ours")

    assert list(store.stored_keys()) == [key]
    assert store.prefixes() == sorted({key[:2], "ab"})


def test_s3_failed_unit_of_work_leaves_its_objects_to_the_sweep(
    tmp_path: Path, s3_server: S3Server
) -> None:
    store = photo_store(
        make_settings(
            "sqlite://", tmp_path / "data", **s3_server.settings_for(s3_server.new_bucket())
        )
    )

    def unit_whose_commit_fails() -> str:
        with store.staged() as writes:
            writes.put(PHOTO)
            raise RuntimeError("the commit failed")

    with pytest.raises(RuntimeError):
        unit_whose_commit_fails()
    key = content_key(PHOTO)

    # Kept (a delete could hit another writer's photo); the sweep finds it once it is old.
    assert store.exists(key)
    _staged, old = store.sweep_directory(key[:2], older_than_ns=time.time_ns() + 60 * SECOND_NS)
    assert old == [key]
