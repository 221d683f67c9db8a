"""The photo store in an S3-compatible object store (AWS S3, MinIO, Aliyun OSS, Tencent COS).

Same layout as the file store, under the bucket's prefix: `<prefix>/<area>/ab/cd/<key>.jpg`.
An object is written by one PUT, which S3 makes atomic (no reader sees part of it), so nothing
is staged. Storing the same bytes again PUTs them again: that moves the object's LastModified
forward, which is how the sweep learns that a writer has reused it (the file store moves the
mtime).

A failed unit of work leaves its new objects to the sweep instead of deleting them at once. The
file store tells a file it created from one another writer reused since by its inode and
mtime; on S3 that would need a conditional delete that not every S3-compatible store has, and a
wrong guess would delete a photo another report relies on. The sweep removes such objects after
the grace period, once no row names them.
"""

import base64
import functools
import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.core.config import S3_STORE_URL, Settings
from app.core.errors import ServiceUnavailable
from app.core.messages import Message
from app.photos.keys import FILE_SUFFIX, StoreArea, content_key, is_key, key_path

log = logging.getLogger("tantou.s3_store")
_SECOND_NS = 1_000_000_000
_FIRST_LEVEL = re.compile(r"[0-9a-f]{2}")
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
# Sealed originals are ciphertext, not JPEG: a store's console must not offer to show them.
_CONTENT_TYPES = {"photos": "image/jpeg", "originals": "application/octet-stream"}


class PhotoStoreUnavailable(ServiceUnavailable):
    """The object store did not answer, or refused this server (503: the request may be sent
    again, as the rider app's outbox does; background jobs try again on their next round)."""

    def __init__(self) -> None:
        super().__init__(Message("photos.store-unavailable"))


@contextmanager
def _answered_by_store() -> Iterator[None]:
    # A missing object is handled where it is asked for; anything else from S3 or the network
    # is the store being away.
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        log.warning("photo store call failed: %s", error)
        raise PhotoStoreUnavailable() from error


class S3Store:
    """Objects at <root>ab/cd/<key>.jpg in one bucket, through one thread-safe client."""

    def __init__(
        self, client: Any, bucket: str, root: str, *, content_type: str, probe_client: Any = None
    ) -> None:
        self.client = client
        self.probe_client = probe_client or client
        self.bucket = bucket
        self.root = root  # "" or a prefix ending in "/"
        self.content_type = content_type

    @classmethod
    def for_area(cls, settings: Settings, area: StoreArea) -> "S3Store":
        """The area of the bucket and prefix that TANTOU_PHOTO_STORE names."""
        location = S3_STORE_URL.fullmatch(settings.photo_store)
        if location is None:
            raise ValueError(f"not an s3:// photo store: {settings.photo_store!r}")
        prefix = location["prefix"]
        connection = (
            settings.s3_endpoint_url,
            settings.aws_region,
            settings.s3_addressing_style,
            settings.aws_access_key_id,
            settings.aws_secret_access_key.get_secret_value(),
        )
        return cls(
            s3_client(*connection),
            location["bucket"],
            f"{prefix}/{area}/" if prefix else f"{area}/",
            content_type=_CONTENT_TYPES[area],
            probe_client=s3_client(*connection, patience=_PROBE),
        )

    def object_name(self, key: str) -> str:
        """The object's name in the bucket; ValueError unless `key` is a storage key."""
        return self.root + key_path(key)

    def put(self, data: bytes) -> str:
        """Store `data` and return its key; storing the same bytes again changes nothing."""
        key = content_key(data)
        digest = hashlib.md5(data, usedforsecurity=False).digest()  # S3's own integrity check
        with _answered_by_store():
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.object_name(key),
                Body=data,
                ContentType=self.content_type,
                ContentMD5=base64.b64encode(digest).decode(),
            )
        return key

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        return self._last_modified_ns(key) is not None

    def read(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError if there are none."""
        with _answered_by_store():
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=self.object_name(key))
            except ClientError as error:
                if _error_code(error) in _MISSING:
                    raise FileNotFoundError(f"no photo stored under {key}") from error
                raise
            body: bytes = answer["Body"].read()
        return body

    def check_reachable(self) -> None:
        """PhotoStoreUnavailable unless the bucket answers these credentials, at once: one
        attempt with short timeouts, so a probe never waits out the retries uploads get."""
        with _answered_by_store():
            self.probe_client.head_bucket(Bucket=self.bucket)

    def delete(self, key: str) -> None:
        """Remove the object under `key`, if any (S3 answers a missing one alike)."""
        with _answered_by_store():
            self.client.delete_object(Bucket=self.bucket, Key=self.object_name(key))

    def remove_stale(self, key: str, *, unused_since_ns: int) -> bool:
        """Remove the object unless a writer has stored it again since the cutoff.

        LastModified has whole seconds, so an object of the cutoff's own second is kept.
        Between the look and the delete a writer could reuse it; the sweep's grace period (an
        hour unreferenced) makes that a writer storing, in those milliseconds, the exact bytes
        of a photo no report has named for an hour.
        """
        modified_ns = self._last_modified_ns(key)
        if modified_ns is None or modified_ns + _SECOND_NS > unused_since_ns:
            return False
        self.delete(key)
        return True

    def prefixes(self) -> list[str]:
        """The first-level prefixes in use (two hex digits each), sorted."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.root, Delimiter="/"
        )
        with _answered_by_store():
            names = [
                common["Prefix"][len(self.root) : -1]
                for page in pages
                for common in page.get("CommonPrefixes", [])
            ]
        return sorted(name for name in names if _FIRST_LEVEL.fullmatch(name))

    def sweep_directory(self, prefix: str, *, older_than_ns: int) -> tuple[int, list[str]]:
        """Nothing is staged on S3; the keys under `prefix` stored before the cutoff."""
        return 0, [
            key
            for key, modified_ns in self._listing(f"{prefix}/")
            if modified_ns + _SECOND_NS <= older_than_ns
        ]

    def stored_keys(self) -> Iterator[str]:
        """The key of every object, in key order (S3 lists names in byte order)."""
        return (key for key, _modified_ns in self._listing(""))

    @contextmanager
    def staged(self) -> Iterator["S3Store"]:
        """A unit of work; objects it put stay for the sweep if it fails (see the module)."""
        yield self

    def signed_url(self, key: str, *, expires_s: int) -> str:
        """A URL that lets whoever holds it GET the object for `expires_s` seconds."""
        return str(
            self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self.object_name(key)},
                ExpiresIn=expires_s,
            )
        )

    def signed_url_origin(self) -> str:
        """The scheme and host of this store's signed URLs (for the pages' image policy)."""
        parts = urlsplit(self.signed_url("0" * 64, expires_s=60))
        return f"{parts.scheme}://{parts.netloc}"

    def _listing(self, under: str) -> Iterator[tuple[str, int]]:
        pages = iter(
            self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.root + under
            )
        )
        while True:  # a page (1,000 names) at a time: a city's bucket holds millions
            with _answered_by_store():
                page = next(pages, None)
            if page is None:
                return
            for entry in page.get("Contents", []):
                key = entry["Key"].rsplit("/", 1)[-1].removesuffix(FILE_SUFFIX)
                if is_key(key) and entry["Key"] == self.object_name(key):
                    yield key, int(entry["LastModified"].timestamp()) * _SECOND_NS

    def _last_modified_ns(self, key: str) -> int | None:
        with _answered_by_store():
            try:
                answer = self.client.head_object(Bucket=self.bucket, Key=self.object_name(key))
            except ClientError as error:
                if _error_code(error) in _MISSING:
                    return None
                raise
        return int(answer["LastModified"].timestamp()) * _SECOND_NS


class Patience(NamedTuple):
    """How long a client waits for the store and how often it tries again."""

    attempts: int
    connect_timeout_s: float
    read_timeout_s: float


_WORK = Patience(attempts=4, connect_timeout_s=5, read_timeout_s=30)
_PROBE = Patience(attempts=1, connect_timeout_s=2, read_timeout_s=2)


@functools.lru_cache(maxsize=8)
def s3_client(
    endpoint_url: str,
    region: str,
    addressing_style: Literal["auto", "path", "virtual"],
    access_key_id: str,
    secret_access_key: str,
    patience: Patience | None = None,
) -> Any:
    """One client per configuration and process (boto3 clients are thread-safe).

    Empty credentials leave boto3 its own chain (environment, config files, instance role).
    "auto" addresses buckets by path on a store of one's own (MinIO answers at one host) and
    by virtual host on AWS.
    """
    patience = patience or _WORK
    if addressing_style == "auto":
        addressing_style = "path" if endpoint_url else "virtual"
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": addressing_style},
        retries={"mode": "standard", "max_attempts": patience.attempts},
        connect_timeout=patience.connect_timeout_s,
        read_timeout=patience.read_timeout_s,
        max_pool_connections=32,
        # botocore's default CRC checksums are refused by several S3-compatible stores; the PUT
        # carries Content-MD5 instead, which every one of them checks.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=config,
    )


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
