"""What the UTF-8 check costs a photo upload: the check over one multipart body of six 12 MP phone
photos and their text fields, against Starlette's own parse of the same body (which every upload
pays already), both fed in 64 KiB chunks as uvicorn passes them on.

Run from the repository root: .venv/bin/python -m bench.utf8_guard [--rounds 7]

Prints the best time of each over the rounds, their throughput and the check's share of the
parse. Aim: the check costs well under the parse (it does not copy file data).
"""

import argparse
import asyncio
import time
from collections.abc import AsyncIterator

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartParser

from app.core.utf8_guard import MultipartChecker
from bench.photo_fixtures import make_phone_jpeg

BOUNDARY = b"tantou-bench-boundary"
CHUNK = 64 * 1024


def upload_body() -> bytes:
    """The body of a report with six photos, as the rider app sends it."""
    fields = {"category": "0102", "description": "小区门口垃圾堆放" * 20, "lat": "32.854"}
    parts = [
        b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (name.encode(), value.encode())
        for name, value in fields.items()
    ]
    parts += [
        b'Content-Disposition: form-data; name="photo"; filename="p%d.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n%s" % (seed, make_phone_jpeg(seed))
        for seed in range(6)
    ]
    delimiter = b"--" + BOUNDARY
    return b"".join(delimiter + b"\r\n" + part + b"\r\n" for part in parts) + delimiter + b"--\r\n"


def chunks(body: bytes) -> list[bytes]:
    return [body[start : start + CHUNK] for start in range(0, len(body), CHUNK)]


def time_check(pieces: list[bytes]) -> float:
    started = time.perf_counter()
    checker = MultipartChecker(BOUNDARY)
    for index, piece in enumerate(pieces):
        checker.feed(piece, last=index == len(pieces) - 1)
    elapsed = time.perf_counter() - started
    assert checker.problem is None
    return elapsed


def time_starlette_parse(pieces: list[bytes]) -> float:
    async def stream() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    async def parse() -> float:
        headers = Headers({"content-type": f"multipart/form-data; boundary={BOUNDARY.decode()}"})
        started = time.perf_counter()
        form = await MultiPartParser(headers, stream(), max_part_size=1024 * 1024).parse()
        elapsed = time.perf_counter() - started
        await form.close()
        return elapsed

    return asyncio.run(parse())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    body = upload_body()
    pieces = chunks(body)
    check_s = min(time_check(pieces) for _ in range(args.rounds))
    parse_s = min(time_starlette_parse(pieces) for _ in range(args.rounds))
    megabytes = len(body) / 1e6
    print(f"body: {megabytes:.1f} MB in {len(pieces)} chunks of {CHUNK // 1024} KiB, 6 photos")
    print(f"UTF-8 check:      {check_s * 1e3:7.1f} ms  ({megabytes / check_s:7.0f} MB/s)")
    print(f"Starlette parse:  {parse_s * 1e3:7.1f} ms  ({megabytes / parse_s:7.0f} MB/s)")
    print(f"check / parse:    {check_s / parse_s:7.2f}")


if __name__ == "__main__":
    main()
