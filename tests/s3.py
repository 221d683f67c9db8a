"""A real S3-protocol server for the tests: moto's stand-alone server on a loopback port.

Each test gets a bucket of its own, so tests share one server without seeing each other.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto.server import ThreadedMotoServer

from app.photos.s3_store import s3_client

ACCESS_KEY_ID = "tantou-test-key"
SECRET_ACCESS_KEY = "tantou-test-secret"
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        return s3_client(self.endpoint_url, REGION, "auto", ACCESS_KEY_ID, SECRET_ACCESS_KEY)

    def new_bucket(self) -> str:
        bucket = f"tantou-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=bucket)
        return bucket

    def settings_for(self, bucket: str, prefix: str = "city") -> dict[str, object]:
        """The settings that point Tantou at `bucket` on this server (as TANTOU_*/AWS_* would)."""
        return {
            "photo_store": f"s3://{bucket}/{prefix}",
            "s3_endpoint_url": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_REGION": REGION,
        }

    def environment_for(self, bucket: str, prefix: str = "city") -> dict[str, str]:
        """The same as environment variables, for a `tantou serve` process."""
        return {
            name if name.startswith("AWS_") else f"TANTOU_{name.upper()}": str(value)
            for name, value in self.settings_for(bucket, prefix).items()
        }

    def object_names(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", []))


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Server(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()
