"""Lists and figures at a city's size, measured through HTTP.

Run from the repository root: .venv/bin/python -m bench.scale [--reports 1000000] [--postgres]

Seeds the demo county (`tantou demo`: 56 grids, one account per role), loads `--reports` reports
with two years of timestamps, a mix of statuses and one timeline event each straight into the
database in bulk (as an import would), runs `tantou rebuild-figures` when the command exists,
then serves the app with uvicorn on a loopback port and times each list and figure one request
at a time. Prints p50/p99 client-side and server-side (the `Server-Timing` header) against the
aims: lists p99 <= 30 ms client / 15 ms server, figures <= 100 / 50 ms.
"""

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

import app.models  # noqa: E402, F401  (registers every table)
from app.accounts.models import Account  # noqa: E402
from app.core.db import create_db_engine  # noqa: E402
from app.demo.seed import DEMO_PASSWORD  # noqa: E402
from app.grids.models import Grid, GridLevel  # noqa: E402
from app.reports.models import Report, ReportEvent  # noqa: E402
from app.reports.states import ReportStatus  # noqa: E402
from bench.ingest_http import free_port, running_server  # noqa: E402

STATUS_MIX = {  # a year-old platform: most cases closed, a working queue of open ones
    ReportStatus.CLOSED: 70,
    ReportStatus.REJECTED: 8,
    ReportStatus.SUBMITTED: 6,
    ReportStatus.ACCEPTED: 4,
    ReportStatus.DISPATCHED: 6,
    ReportStatus.RESOLVED: 6,
}
RESOLVED_STATUSES = (ReportStatus.CLOSED, ReportStatus.RESOLVED)
BATCH = 10_000
REPEATS = 30
LIST_AIM_MS = (30.0, 15.0)
FIGURE_AIM_MS = (100.0, 50.0)


def tantou(
    command: list[str], database_url: str, data_dir: Path
) -> subprocess.CompletedProcess[str]:
    environment = {
        "TANTOU_DATABASE_URL": database_url,
        "TANTOU_DATA_DIR": str(data_dir),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *command],
        cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True,
    )  # fmt: skip


def seed_reports(database_url: str, count: int) -> None:
    """`count` reports over two years in the demo grids (a tenth unassigned), one event each."""
    engine = create_db_engine(database_url)
    rng = random.Random(11)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        grids = connection.execute(
            select(Grid.code, Grid.parent_code, Grid.path).where(Grid.level == GridLevel.GRID)
        ).all()
        communities = connection.execute(
            select(Grid.code, Grid.path).where(Grid.level == GridLevel.COMMUNITY)
        ).all()
        reporter = connection.execute(
            select(Account.id).where(Account.username == "13800000001")
        ).scalar_one()
    statuses, weights = list(STATUS_MIX), list(STATUS_MIX.values())
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        reports, events = [], []
        for number in range(first, min(first + BATCH, count)):
            created_at = now - timedelta(seconds=rng.uniform(0, 2 * 365 * 86400))
            if rng.random() < 0.1:
                community, path = rng.choice(communities)
                grid = None
            else:
                grid, community, path = rng.choice(grids)
            status = rng.choices(statuses, weights)[0]
            done = created_at + timedelta(hours=rng.uniform(2, 120))
            reports.append({
                "reporter_id": reporter, "client_id": f"bench-{number}", "fingerprint": "0" * 64,
                "category_code": "0102", "lat": 32.87, "lon": 117.56, "urgent": rng.random() < 0.03,
                "status": status, "grid_code": grid, "community_code": community, "area_path": path,
                "created_at": created_at, "updated_at": created_at,
                "closed_at": done if status is ReportStatus.CLOSED else None,
                "resolved_at": done if status in RESOLVED_STATUSES else None,
            })  # fmt: skip
        with engine.begin() as connection:
            ids = connection.execute(insert(Report).returning(Report.id), reports).scalars().all()
            for report_id, report in zip(ids, reports, strict=True):
                events.append({
                    "report_id": report_id, "kind": "status_changed", "to_status": report["status"],
                    "created_at": report["created_at"],
                })  # fmt: skip
            connection.execute(insert(ReportEvent), events)
        print(
            f"\r  {first + len(reports):,} reports ({time.perf_counter() - started:.0f} s)", end=""
        )
    print()
    engine.dispose()


def measure(client: httpx.Client, token: str, path: str) -> tuple[list[float], list[float]]:
    """Client and server milliseconds of REPEATS sequential GETs."""
    client_ms, server_ms = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        client_ms.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        timing = response.headers.get("server-timing", "app;dur=nan")
        server_ms.append(float(timing.split("dur=")[1]))
    return client_ms, server_ms


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def token_of(client: httpx.Client, username: str) -> str:
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def page_20_path(client: httpx.Client, token: str, path: str) -> str:
    cursor_path = path
    for _ in range(19):
        body = client.get(cursor_path, headers={"Authorization": f"Bearer {token}"}).json()
        if not body.get("next_cursor"):
            break
        cursor_path = f"{path}&cursor={body['next_cursor']}"
    return cursor_path


def run(base_url: str, community: str) -> None:
    year_ago = (datetime.now(UTC) - timedelta(days=365)).date().isoformat()
    with httpx.Client(base_url=base_url, timeout=120) as client:
        admin, street, unit = (token_of(client, name) for name in ("admin", "coordinator", "unit"))
        rider = token_of(client, "13800000001")
        cases = [
            ("community queue, first page of submitted", admin,
             f"/api/v1/reports?status=submitted&grid={community}", LIST_AIM_MS),
            ("street coordinator's queue, page 20", street,
             page_20_path(client, street, "/api/v1/reports?status=closed"), LIST_AIM_MS),
            ("admin's unfiltered list", admin, "/api/v1/reports", LIST_AIM_MS),
            ("unassigned list", admin, "/api/v1/reports?unassigned=true", LIST_AIM_MS),
            ("a unit's tasks", unit, "/api/v1/tasks", LIST_AIM_MS),
            ("riders", admin, "/api/v1/riders", LIST_AIM_MS),
            ("redemptions", admin, "/api/v1/redemptions", LIST_AIM_MS),
            ("notices", admin, "/api/v1/notices", LIST_AIM_MS),
            ("notifications", street, "/api/v1/me/notifications", LIST_AIM_MS),
            ("points entries", rider, "/api/v1/me/points", LIST_AIM_MS),
            ("/stats, street, a year", street, f"/api/v1/stats?from={year_ago}", FIGURE_AIM_MS),
            ("/stats, street, all time", street, "/api/v1/stats", FIGURE_AIM_MS),
            ("/stats/league, street, a year", street, f"/api/v1/stats/league?from={year_ago}",
             FIGURE_AIM_MS),
            ("map: street's grids with counts", street, "/api/v1/map/grids", FIGURE_AIM_MS),
            ("map: county viewport, open, clusters", street,
             "/api/v1/map/reports?bbox=117.32,32.62,117.95,33.05&zoom=12", FIGURE_AIM_MS),
            ("map: hotspots, street, a year", street,
             f"/api/v1/map/hotspots?from={year_ago}", FIGURE_AIM_MS),
        ]  # fmt: skip
        print(f"{'request':<42} {'client p50/p99 ms':>18} {'server p50/p99 ms':>18}  p99/aim")
        for name, token, path, (client_aim, server_aim) in cases:
            client_ms, server_ms = measure(client, token, path)
            print(
                f"{name:<42} {p(client_ms, 50):8.1f} /{p(client_ms, 99):8.1f} "
                f"{p(server_ms, 50):8.1f} /{p(server_ms, 99):8.1f}  "
                f"{p(client_ms, 99) / client_aim:5.2f}x / {p(server_ms, 99) / server_aim:5.2f}x"
            )


def measure_export(client: httpx.Client, token: str, path: str) -> tuple[float, float, int]:
    """Seconds to the first byte, seconds to the last, and the rows (lines or features) sent."""
    started = time.perf_counter()
    first_byte = 0.0
    newlines = 0
    headers = {"Authorization": f"Bearer {token}"}
    with client.stream("GET", path, headers=headers, timeout=3600) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            first_byte = first_byte or time.perf_counter() - started
            newlines += chunk.count(b"\n") if "csv" in path else chunk.count(b'"Feature"')
    return first_byte, time.perf_counter() - started, newlines


def run_exports(base_url: str) -> None:
    """The queue's exports, whole: the admin's every report as CSV and GeoJSON, the street's
    closed ones as XLSX (rows are counted by line in CSV, by feature in GeoJSON)."""
    with httpx.Client(base_url=base_url) as client:
        admin, street = token_of(client, "admin"), token_of(client, "coordinator")
        cases = [
            ("CSV, admin, every report", admin, "/api/v1/reports/export?format=csv"),
            ("GeoJSON, admin, every report", admin, "/api/v1/reports/export?format=geojson"),
        ]
        print(f"{'export':<42} {'first byte s':>12} {'total s':>9} {'rows':>10} {'rows/s':>9}")
        for name, token, path in cases:
            first, total, rows = measure_export(client, token, path)
            print(f"{name:<42} {first:12.3f} {total:9.1f} {rows:10,} {rows / total:9,.0f}")
        started = time.perf_counter()
        xlsx = "/api/v1/reports/export?format=xlsx&status=closed"
        with client.stream("GET", xlsx, headers={"Authorization": f"Bearer {street}"}) as answer:
            size = sum(len(chunk) for chunk in answer.iter_bytes())
        print(f"{'XLSX, street, closed':<42} {'':>12} {time.perf_counter() - started:9.1f} "
              f"{size:10,} bytes")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    parser.add_argument("--exports", action="store_true", help="also time the queue's exports")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="tantou-scale-"))
    cluster = None
    if args.postgres:
        from tests.postgres import start_cluster

        cluster = start_cluster()
        admin_url = cluster.url("postgres")
        engine = create_db_engine(admin_url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("CREATE DATABASE tantou")
        engine.dispose()
        database_url = cluster.url("tantou")
    else:
        database_url = f"sqlite:///{data_dir / 'tantou.db'}"
    try:
        demo = tantou(["demo"], database_url, data_dir)
        if demo.returncode != 0:
            raise SystemExit(demo.stderr)
        print(f"seeding {args.reports:,} reports ({'PostgreSQL' if cluster else 'SQLite'})")
        seed_reports(database_url, args.reports)
        rebuilt = tantou(["rebuild-figures"], database_url, data_dir)
        if rebuilt.returncode != 0:
            print("note: no `tantou rebuild-figures` on this branch; figures read the reports")
        engine = create_db_engine(database_url)
        with engine.connect() as connection:
            community = (
                connection.execute(
                    select(Grid.code).where(Grid.level == GridLevel.COMMUNITY).order_by(Grid.code)
                )
                .scalars()
                .first()
            )
        engine.dispose()
        with running_server(data_dir, database_url, free_port()) as (base_url, _server):
            run(base_url, str(community))
            if args.exports:
                run_exports(base_url)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
