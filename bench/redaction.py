"""What redaction costs and how well its detectors find faces and plates.

Run: .venv/bin/python -m bench.redaction [--burst 200] [--reports 200]

1. One core: process_photo on a 12 MP phone JPEG with and without redaction (an upload's
   request does it without), the redaction worker's pass over the stored copy, and each detector
   alone on the 1280 px copy it looks at.
2. The image pool (one worker per core): a burst of phone photos converted and redacted, as a
   burst of reports would send them; photos per second and the time until all are done.
3. A real server (bench/ingest_http.py's): a burst of reports of one phone photo each from
   several clients, acknowledged before their photos are redacted; the acknowledgement's
   latency, and the time until the server's redaction worker has made every photo visible.
4. The labelled test set (tests/fixtures/photos/privacy): faces and plates found of those there;
   and the boxes found in the other fixture photos, none of which shows a readable face or plate.
"""

import argparse
import io
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
from PIL import Image
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.core.db import create_db_engine
from app.photos.detectors import detect_faces, detect_plates, load_detectors
from app.photos.pipeline import PixelLimits, process_photo, redact_stored_display
from app.photos.pool import ImagePool
from app.photos.redaction import DETECT_LONG_EDGE_PX
from app.reports.models import PhotoRedaction, ReportPhoto
from bench.ingest_http import (
    RIDER_PASSWORD,
    RIDER_PHONE,
    free_port,
    percentile,
    post_reports,
    prepare_database,
    prepared_posts,
    running_server,
)
from bench.photo_fixtures import make_phone_jpeg

LIMITS = PixelLimits(per_photo=50_000_000, full_decode=50_000_000)
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "photos"
# What each labelled photo shows (see tests/fixtures/photos/README.md).
LABELLED = {"privacy/astronaut.jpg": {"face": 1}, "privacy/street-plates.jpg": {"plate": 2}}
UNLABELLED_FOLDERS = ("jpg/orientation", "jpg/gps", "jpg/mobile", "jpg/hdr")


def one_core(rounds: int) -> None:
    photo = make_phone_jpeg(seed=1)
    load_detectors()
    with_redaction = _median_s(lambda: process_photo(photo, limits=LIMITS), rounds)
    without = _median_s(lambda: process_photo(photo, limits=LIMITS, redact=False), rounds)
    stored = process_photo(photo, limits=LIMITS, redact=False).display.data
    worker = _median_s(lambda: redact_stored_display(stored, limits=LIMITS), rounds)
    upright = Image.open(io.BytesIO(process_photo(photo, limits=LIMITS).display.data))
    small = np.asarray(upright.resize(_fit(upright.size, DETECT_LONG_EDGE_PX)))
    faces = _median_s(lambda: detect_faces(small), rounds)
    plates = _median_s(lambda: detect_plates(small), rounds)
    print(f"one core, 12 MP phone JPEG, median of {rounds}:")
    print(f"  process_photo without redaction  {without * 1000:7.0f} ms")
    print(f"  process_photo with redaction     {with_redaction * 1000:7.0f} ms")
    print(f"    faces at {small.shape[1]}x{small.shape[0]}            {faces * 1000:7.0f} ms")
    print(f"    plates at {small.shape[1]}x{small.shape[0]}           {plates * 1000:7.0f} ms")
    print(f"  redaction's share                {1 - without / with_redaction:7.0%}")
    print(f"  the worker's redact_stored_display {worker * 1000:5.0f} ms (of the stored copy)")


def burst(photos: int) -> None:
    pool = ImagePool(workers=0, queue=photos, tasks_per_worker=200, retry_after_s=1)
    pool.start()
    burst_photos = [make_phone_jpeg(seed=seed) for seed in range(photos)]
    started = time.perf_counter()
    try:
        # One request's worth at a time per worker, as reports arrive: here all at once.
        outcomes = pool.process(burst_photos, LIMITS)
    finally:
        elapsed = time.perf_counter() - started
        pool.shutdown()
    failed = sum(1 for outcome in outcomes if isinstance(outcome, Exception))
    print(f"burst of {photos} phone photos on {pool.workers} workers:")
    print(f"  all redacted and ready after     {elapsed:7.1f} s")
    print(f"  photos per second                {photos / elapsed:7.2f}")
    print(f"  refused or failed                {failed:7d}")


def reports_burst(reports: int, clients: int) -> None:
    bases = [make_phone_jpeg(seed=seed) for seed in range(4)]
    data_dir = Path(tempfile.mkdtemp(prefix="tantou-bench-"))
    database_url = f"sqlite:///{data_dir / 'tantou.db'}"
    try:
        prepare_database(data_dir, database_url)
        engine = create_db_engine(database_url)
        with running_server(data_dir, database_url, free_port()) as (base_url, _server):
            token = httpx.post(
                f"{base_url}/api/v1/auth/token",
                data={"username": RIDER_PHONE, "password": RIDER_PASSWORD},
            ).json()["access_token"]
            posts = prepared_posts(bases, range(reports))
            started = time.perf_counter()
            acknowledged_s, latencies_s = post_reports(base_url, token, posts, clients)
            waiting_after_answers = _photos_waiting(engine)
            while _photos_waiting(engine):
                time.sleep(0.2)
            visible_s = time.perf_counter() - started
        engine.dispose()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"burst of {reports} reports (one 12 MP phone photo each) from {clients} clients:")
    print(f"  all acknowledged after           {acknowledged_s:7.1f} s")
    print(f"  acknowledgement p50 / p99        {percentile(latencies_s, 0.5) * 1000:7.0f} / "
          f"{percentile(latencies_s, 0.99) * 1000:.0f} ms")  # fmt: skip
    print(f"  photos waiting at the last answer {waiting_after_answers:6d}")
    print(f"  all redacted and visible after   {visible_s:7.1f} s")


def _photos_waiting(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count()).where(col(ReportPhoto.redaction) != PhotoRedaction.REDACTED)
        ).one()


def test_set() -> None:
    print("labelled photos (found / there):")
    for name, expected in LABELLED.items():
        boxes = process_photo((FIXTURES / name).read_bytes(), limits=LIMITS).redaction.boxes
        for kind in ("face", "plate"):
            found = sum(1 for box in boxes if box.kind == kind)
            there = expected.get(kind, 0)
            extra = max(0, found - there)
            print(f"  {name:28s} {kind:5s} {min(found, there)}/{there}  false positives {extra}")
    print("unlabelled fixture photos (no readable face or plate): boxes found")
    total = boxes_found = 0
    for folder in UNLABELLED_FOLDERS:
        for path in sorted((FIXTURES / folder).glob("*.jp*g")):
            boxes = process_photo(path.read_bytes(), limits=LIMITS).redaction.boxes
            total += 1
            boxes_found += len(boxes)
            if boxes:
                kinds = ", ".join(f"{box.kind} {box.score:.2f}" for box in boxes)
                print(f"  {path.relative_to(FIXTURES)}: {kinds}")
    print(f"  {boxes_found} boxes in {total} photos")


def _median_s(run: Callable[[], object], rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _fit(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    scale = min(1.0, long_edge / max(size))
    return round(size[0] * scale), round(size[1] * scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    one_core(args.rounds)
    burst(args.burst)
    reports_burst(args.reports, args.clients)
    test_set()


if __name__ == "__main__":
    main()
