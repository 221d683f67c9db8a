"""Fetching the photo an Open311 client names by `media_url`: once, small, quick and public."""

import time

import httpx

from app.core.outbound import RefusedUrl, check_outbound_url

FETCH_TIMEOUT_S = 10.0


class MediaRefused(ValueError):
    """The media URL could not be used; the message says why."""


def fetch_media(url: str, *, max_bytes: int, allow_private: bool) -> bytes:
    """The bytes at `url`, at most `max_bytes`, within the time limit (a slow drip included);
    no redirects are followed (a redirect could lead to an address that the check refused)."""
    try:
        check_outbound_url(url, allow_private=allow_private)
    except RefusedUrl as exc:
        raise MediaRefused(f"media_url: {exc}") from None
    try:
        with (
            httpx.Client(timeout=FETCH_TIMEOUT_S, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise MediaRefused(f"media_url answered HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise MediaRefused(f"media_url: the file is larger than {max_bytes} bytes")
            body = bytearray()
            deadline = time.monotonic() + FETCH_TIMEOUT_S
            for chunk in response.iter_bytes():
                body += chunk
                if time.monotonic() > deadline:
                    raise MediaRefused(f"media_url took longer than {FETCH_TIMEOUT_S:g} s")
                if len(body) > max_bytes:
                    raise MediaRefused(f"media_url: the file is larger than {max_bytes} bytes")
            return bytes(body)
    except httpx.HTTPError as exc:
        raise MediaRefused(f"media_url could not be fetched ({type(exc).__name__})") from None
