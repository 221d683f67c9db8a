"""Reports per second through POST /api/v1/reports with real 12 MP phone photos, over HTTP.

Run from the repository root: .venv/bin/python -m bench.ingest_http [--clients 4] [--reports 120]

Starts a real server (uvicorn in a subprocess on 127.0.0.1, SQLite in a temporary data dir, one
worker, rate limits off) and posts one phone photo per report from several concurrent clients.
Prints reports/s and p50/p99 latency, and two ratios measured in the same run, on the same photos
and with the same concurrency:

- against the floor: the bare image work alone (draft decode, resize, rotate, two JPEG encodes),
  run in this process with no HTTP, metadata, storage or database. Aim: at least 0.7.
- against a naive pipeline (full decode, exif_transpose, thumbnail, two encodes). Aim: at least 2.

Each ratio is given by wall clock (throughput) and by CPU time (the server's CPU per report
against this process's CPU per photo). On a quiet machine the two agree; when other work loads
the machine, the scheduler shares the cores unevenly between the server and this process and
only the CPU-time ratio still compares like with like (the load average is printed).

Every report carries different pixels: content-addressed storage would otherwise skip writing
repeated photos. The variants come from a few generated photos by changing their luminance
quantisation table, which changes every decoded pixel without a 12 MP re-encode. The server and
this process share the machine's cores; about a minute in all.
"""

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # so the script runs from a fresh clone, uninstalled

import app.models  # noqa: E402, F401  (registers every table)
from app.accounts.models import Role  # noqa: E402
from app.accounts.service import create_account  # noqa: E402
from app.core.db import create_db_engine, metadata, session_scope  # noqa: E402
from app.demo.fengyang import demo_grids  # noqa: E402
from app.grids.service import import_feature_collection  # noqa: E402
from app.photos.metadata import read_jpeg_segments  # noqa: E402
from app.reference_data import install_reference_data  # noqa: E402
from bench.photo_fixtures import BENCH_GPS, make_phone_jpeg  # noqa: E402
from bench.photo_pipeline import floor_pipeline, naive_pipeline  # noqa: E402

RIDER_PHONE = "13800000001"
RIDER_PASSWORD = "bench-password-123"
CATEGORY = "0102"
DQT_MARKER = 0xDB
WARM_UP_REPORTS = 3
SERVER_START_TIMEOUT_S = 60.0
FLOOR_AIM, NAIVE_AIM = 0.7, 2.0
ROUND_REPORTS = 40
SPREAD_DEG = 0.005  # about 500 m either way
FLOOR, HTTP, NAIVE = "floor", "HTTP", "naive"
WAYS = (FLOOR, HTTP, NAIVE)


def distinct_variant(jpeg: bytes, number: int) -> bytes:
    """The same JPEG with other values in its first quantisation table: new pixels, same cost.

    Raises the table's DC and first AC divisors by up to 31 each (1024 variants per photo).
    """
    dqt = next(s for s in read_jpeg_segments(jpeg) if s.marker == DQT_MARKER)
    precision_and_table = jpeg[dqt.start + 4]
    assert precision_and_table >> 4 == 0, "8-bit tables expected"
    first_value = dqt.start + 5
    variant = bytearray(jpeg)
    for offset, step in ((0, number % 32), (1, number // 32 % 32)):
        variant[first_value + offset] = min(255, variant[first_value + offset] + step)
    return bytes(variant)


def photo_for(bases: list[bytes], number: int) -> bytes:
    """Report `number`'s photo: a variant of one of the base photos, unique across the run."""
    return distinct_variant(bases[number % len(bases)], number // len(bases) + 1)


def point_for(number: int) -> tuple[float, float]:
    """Report `number`'s point (lon, lat): spread over about 1 km around the photos' GPS, so
    that each report has a few open neighbours of its category, as in a busy town."""
    lon, lat = BENCH_GPS
    spread = random.Random(number)
    return lon + spread.uniform(-SPREAD_DEG, SPREAD_DEG), lat + spread.uniform(
        -SPREAD_DEG, SPREAD_DEG
    )


def multipart_body(fields: dict[str, str], photo: bytes, boundary: str) -> bytes:
    """A multipart/form-data body with the fields and one `photo` part."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f"--{boundary}\r\nContent-Disposition: form-data; "
        f'name="photo"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
    )
    return b"".join(parts) + photo + f"\r\n--{boundary}--\r\n".encode()


def prepare_database(data_dir: Path, database_url: str) -> None:
    """Schema, reference data, the demo county's grids and one rider."""
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        install_reference_data(connection)
    with session_scope(engine) as session:
        import_feature_collection(session, demo_grids())
        create_account(session, role=Role.RIDER, username=RIDER_PHONE, password=RIDER_PASSWORD)
        session.commit()
    engine.dispose()


@contextmanager
def running_server(
    data_dir: Path, database_url: str, port: int
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """uvicorn serving the app in a subprocess until the block ends; yields its URL and process."""
    environment = os.environ | {
        "TANTOU_ENV": "production",
        "TANTOU_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "TANTOU_DATABASE_URL": database_url,
        "TANTOU_DATA_DIR": str(data_dir),
        "TANTOU_RATE_LIMITS": "false",
    }
    command = [
        sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base_url, server)
        yield base_url, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start in time")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process and all under it (the image workers, and those
    already ended, which their parents count) have used so far (Linux /proc)."""
    stats: dict[int, list[str]] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stats[int(stat_file.parent.name)] = stat_file.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
    members, pending = {pid}, [pid]
    while pending:
        parent = str(pending.pop())
        children = [child for child, fields in stats.items() if fields[1] == parent]
        members.update(children)
        pending.extend(children)
    ticks = sum(sum(int(value) for value in stats[member][11:15]) for member in members)
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepared_posts(bases: list[bytes], numbers: range) -> list[tuple[str, bytes]]:
    """Each report's Content-Type and multipart body, built before the clock starts."""
    posts = []
    for number in numbers:
        boundary = uuid.uuid4().hex
        lon, lat = point_for(number)
        fields = {
            "category": CATEGORY,
            "client_id": str(uuid.uuid4()),
            "lat": str(lat),
            "lon": str(lon),
            "description": "路边垃圾堆积",
        }
        body = multipart_body(fields, photo_for(bases, number), boundary)
        posts.append((f"multipart/form-data; boundary={boundary}", body))
    return posts


def post_reports(
    base_url: str, token: str, posts: list[tuple[str, bytes]], clients: int
) -> tuple[float, list[float]]:
    """Send the posts from `clients` threads; wall seconds and each latency (s)."""
    todo = iter(posts)
    lock = threading.Lock()
    latencies_s: list[float] = []

    def client_loop() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base_url, timeout=120) as http:
            while True:
                with lock:
                    post = next(todo, None)
                if post is None:
                    return
                content_type, body = post
                started = time.perf_counter()
                response = http.post(
                    "/api/v1/reports",
                    content=body,
                    headers=headers | {"Content-Type": content_type},
                )
                elapsed_s = time.perf_counter() - started
                if response.status_code != 201:
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
                with lock:
                    latencies_s.append(elapsed_s)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client_loop) for _ in range(clients)]:
            future.result()
    return time.perf_counter() - started, latencies_s


def run_in_process(
    work: Callable[[bytes], object], photos: list[bytes], clients: int
) -> tuple[float, float]:
    """Run `work` on every photo from `clients` threads; wall and CPU seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(clients) as pool:
        for _ in pool.map(work, photos):
            pass
    return time.perf_counter() - started, time.process_time() - cpu_started


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> None:
    """Generate photos, start the server, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--reports", type=int, default=120, help="reports to post")
    parser.add_argument("--base-photos", type=int, default=4, help="distinct generated photos")
    arguments = parser.parse_args()

    with ProcessPoolExecutor(2) as pool:
        bases = list(pool.map(make_phone_jpeg, range(arguments.base_photos)))
    print(
        f"{arguments.reports} reports, one 12 MP phone JPEG each "
        f"({statistics.mean(map(len, bases)) / 1e6:.1f} MB, EXIF GPS, orientation 6), "
        f"{arguments.clients} concurrent clients, {os.cpu_count()} cores, "
        f"malloc tuned: {'MALLOC_MMAP_THRESHOLD_' in os.environ}"
    )
    rounds = [
        range(start, min(start + ROUND_REPORTS, WARM_UP_REPORTS + arguments.reports))
        for start in range(WARM_UP_REPORTS, WARM_UP_REPORTS + arguments.reports, ROUND_REPORTS)
    ]
    data_dir = Path(tempfile.mkdtemp(prefix="tantou-bench-"))
    database_url = f"sqlite:///{data_dir / 'tantou.db'}"
    wall_s = dict.fromkeys(WAYS, 0.0)
    cpu_s = dict.fromkeys(WAYS, 0.0)
    latencies_s: list[float] = []
    load_before = os.getloadavg()[0]
    try:
        prepare_database(data_dir, database_url)
        with running_server(data_dir, database_url, free_port()) as (base_url, server):
            token = httpx.post(
                f"{base_url}/api/v1/auth/token",
                data={"username": RIDER_PHONE, "password": RIDER_PASSWORD},
            ).json()["access_token"]
            warm_up = prepared_posts(bases, range(WARM_UP_REPORTS))
            post_reports(base_url, token, warm_up, arguments.clients)
            # Rounds alternate the three ways, so that the drift of a shared machine falls on
            # all of them alike. Photos and bodies are made before each clock starts: making
            # them is the clients' work, which would otherwise take cores from the server.
            for numbers in rounds:
                photos = [photo_for(bases, number) for number in numbers]
                for way, work in ((FLOOR, floor_pipeline), (NAIVE, naive_pipeline)):
                    round_wall_s, round_cpu_s = run_in_process(work, photos, arguments.clients)
                    wall_s[way] += round_wall_s
                    cpu_s[way] += round_cpu_s
                posts = prepared_posts(bases, numbers)
                server_cpu_started = cpu_seconds(server.pid)
                round_wall_s, round_latencies_s = post_reports(
                    base_url, token, posts, arguments.clients
                )
                cpu_s[HTTP] += cpu_seconds(server.pid) - server_cpu_started
                wall_s[HTTP] += round_wall_s
                latencies_s += round_latencies_s
        stored_files = sum(1 for _ in (data_dir / "photos").rglob("*.jpg"))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    report_results(wall_s, cpu_s, latencies_s, arguments.reports)
    print(
        f"  stored files {stored_files} (a display copy and a thumbnail for each of the "
        f"{arguments.reports + WARM_UP_REPORTS} reports); load average {load_before:.1f} "
        f"before, {os.getloadavg()[0]:.1f} after"
    )


def report_results(
    wall_s: dict[str, float], cpu_s: dict[str, float], latencies_s: list[float], reports: int
) -> None:
    """Print throughput, latency and the ratios, by wall clock and by CPU time."""
    per_s = {way: reports / seconds for way, seconds in wall_s.items()}
    cpu_ms = {way: seconds / reports * 1000 for way, seconds in cpu_s.items()}
    print(f"  HTTP ingest  {per_s[HTTP]:6.1f} reports/s   "
          f"p50 {percentile(latencies_s, 0.5) * 1000:5.0f} ms   "
          f"p99 {percentile(latencies_s, 0.99) * 1000:5.0f} ms   "
          f"server CPU {cpu_ms[HTTP]:5.1f} ms/report")  # fmt: skip
    print(f"  floor        {per_s[FLOOR]:6.1f} photos/s    CPU {cpu_ms[FLOOR]:5.1f} ms/photo "
          "(image work alone, in process)")  # fmt: skip
    print(f"  naive        {per_s[NAIVE]:6.1f} photos/s    CPU {cpu_ms[NAIVE]:5.1f} ms/photo "
          "(full decode, in process)")  # fmt: skip
    print(f"  HTTP / floor {per_s[HTTP] / per_s[FLOOR]:6.2f} by wall clock, "
          f"{cpu_ms[FLOOR] / cpu_ms[HTTP]:.2f} by CPU time   (aim >= {FLOOR_AIM})")  # fmt: skip
    print(f"  HTTP / naive {per_s[HTTP] / per_s[NAIVE]:6.2f} by wall clock, "
          f"{cpu_ms[NAIVE] / cpu_ms[HTTP]:.2f} by CPU time   (aim >= {NAIVE_AIM})")  # fmt: skip


if __name__ == "__main__":
    main()
