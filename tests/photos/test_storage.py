"""Content-addressed photo files and taking back the new ones when a request fails."""

import hashlib
import threading
from pathlib import Path

import pytest

from app.photos.file_store import FileStagedWrites, FileStore

PHOTO = b"\xff\xd8 pretend this is a photo \xff\xd9"
OTHER_PHOTO = b"\xff\xd8 another photo \xff\xd9"


class CommitFailed(Exception):
    pass


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_put_stores_under_the_sha256_of_the_bytes(photo_store: FileStore) -> None:
    key = photo_store.put(PHOTO)

    assert key == hashlib.sha256(PHOTO).hexdigest()
    assert photo_store.path(key) == photo_store.root / key[:2] / key[2:4] / f"{key}.jpg"
    assert photo_store.read(key) == PHOTO
    assert stored_files(photo_store.root) == [photo_store.path(key)]


def test_putting_the_same_bytes_again_keeps_one_file(photo_store: FileStore) -> None:
    first_key = photo_store.put(PHOTO)

    second_key = photo_store.put(PHOTO)

    assert second_key == first_key
    assert stored_files(photo_store.root) == [photo_store.path(first_key)]


def test_store_without_fsync_stores_the_same_way(tmp_path: Path) -> None:
    store = FileStore(tmp_path, fsync=False)

    key = store.put(PHOTO)

    assert store.read(key) == PHOTO


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        hashlib.sha256(PHOTO).hexdigest().upper(),
        hashlib.sha256(PHOTO).hexdigest()[:-1],
        hashlib.sha256(PHOTO).hexdigest() + "0",
        hashlib.sha256(PHOTO).hexdigest()[:-1] + "g",
        "",
    ],
)
def test_keys_that_are_not_sha256_hex_are_refused(photo_store: FileStore, key: str) -> None:
    with pytest.raises(ValueError, match="not a photo key"):
        photo_store.path(key)


def test_delete_removes_the_file_and_tolerates_a_missing_one(photo_store: FileStore) -> None:
    key = photo_store.put(PHOTO)

    photo_store.delete(key)
    photo_store.delete(key)

    assert not photo_store.exists(key)
    with pytest.raises(FileNotFoundError):
        photo_store.read(key)


def test_failed_unit_of_work_removes_only_the_files_it_created(photo_store: FileStore) -> None:
    existing_key = photo_store.put(PHOTO)

    keys: list[str] = []

    def request_whose_commit_fails() -> None:
        with photo_store.staged() as staged:
            keys.extend([staged.put(PHOTO), staged.put(OTHER_PHOTO)])
            raise CommitFailed

    with pytest.raises(CommitFailed):
        request_whose_commit_fails()

    reused_key, new_key = keys
    assert reused_key == existing_key
    assert photo_store.exists(existing_key)
    assert not photo_store.exists(new_key)


def test_successful_unit_of_work_keeps_its_files(photo_store: FileStore) -> None:
    with photo_store.staged() as staged:
        key = staged.put(PHOTO)

    assert staged.created_keys == [key]
    assert photo_store.read(key) == PHOTO


def test_rollback_removes_a_file_put_twice_in_the_same_unit(photo_store: FileStore) -> None:
    staged = FileStagedWrites(photo_store)
    key = staged.put(PHOTO)
    staged.put(PHOTO)  # a report whose display and thumbnail copies are identical

    staged.rollback()

    assert not photo_store.exists(key)


def test_rollback_keeps_a_file_another_request_stored_since(photo_store: FileStore) -> None:
    # A replayed upload: the first request wrote the file, the retry found it and committed,
    # then the first request's commit failed on the duplicate.
    first_request = FileStagedWrites(photo_store)
    key = first_request.put(PHOTO)
    retry = FileStagedWrites(photo_store)
    retry.put(PHOTO)

    first_request.rollback()

    assert retry.created_keys == []
    assert photo_store.read(key) == PHOTO


def test_concurrent_writers_of_the_same_bytes_create_it_exactly_once(
    photo_store: FileStore,
) -> None:
    writers = [FileStagedWrites(photo_store) for _ in range(8)]
    start_together = threading.Barrier(len(writers))

    def write(staged: FileStagedWrites) -> None:
        start_together.wait()
        staged.put(PHOTO)

    threads = [threading.Thread(target=write, args=(staged,)) for staged in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(len(staged.created_keys) for staged in writers) == 1
    assert stored_files(photo_store.root) == [photo_store.path(hashlib.sha256(PHOTO).hexdigest())]
