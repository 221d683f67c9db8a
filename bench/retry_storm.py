"""A retry storm against a real server: what an outbox replay after a dead zone looks like.

Run from the repository root: .venv/bin/python bench/retry_storm.py [--postgres] [--rounds 3]

Each round starts a real server (uvicorn in a subprocess on 127.0.0.1, one worker, rate limits
off) on a fresh database, then at one moment sends 50 copies of one report (one client_id) and
50 distinct reports, each with a small photo, from 101 concurrent HTTP connections, with an
unrelated coordinator write (accepting another report) sent behind them. Prints writes/s (storm
requests answered per second), p50/p99 latency, the count of 5xx and of 503, the reports stored
per client_id, the coordinator write's latency, and the server's CPU seconds for the storm.
SQLite by default; --postgres runs a throwaway PostgreSQL cluster (initdb from the installed
server binaries). The load average is printed: the machine's other work shows in wall times.
"""

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import func, select

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # so the script runs from a fresh clone, uninstalled

import app.models  # noqa: E402, F401  (registers every table)
from app.accounts.models import Role  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.db import create_db_engine, metadata, session_scope  # noqa: E402
from app.core.security import issue_token  # noqa: E402
from app.reference_data import install_reference_data  # noqa: E402
from app.reports.models import Report  # noqa: E402
from tests.factories import COMMUNITY, make_account, seed_grids  # noqa: E402
from tests.postgres import Cluster, start_cluster  # noqa: E402
from tests.reports.factories import make_report  # noqa: E402
from tests.reports.storm import StormResult, run_storm, server_process  # noqa: E402

REPLAYS, DISTINCT = 50, 50


def prepare(settings: Settings) -> tuple[dict[str, str], dict[str, str], int]:
    """Schema, reference data, grids, a rider, a coordinator and a report for them to accept;
    the rider's and the coordinator's headers and that report's id."""
    engine = create_db_engine(settings.resolved_database_url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        install_reference_data(connection)
    with session_scope(engine) as session:
        seed_grids(session)
        rider = make_account(session, Role.RIDER, "13800000001")
        coordinator = make_account(session, Role.COORDINATOR, "coordinator", areas=(COMMUNITY,))
        assert rider.id is not None
        assert coordinator.id is not None
        waiting = make_report(session, rider.id)
        assert waiting.id is not None
        headers = [_headers(settings, account_id) for account_id in (rider.id, coordinator.id)]
        waiting_id = waiting.id
    engine.dispose()
    return headers[0], headers[1], waiting_id


def _headers(settings: Settings, account_id: int) -> dict[str, str]:
    token = issue_token(account_id, secret_key=settings.secret_key, lifetime=timedelta(hours=1))
    return {"Authorization": f"Bearer {token.access_token}"}


def reports_per_client_id(settings: Settings, result: StormResult) -> Counter[int]:
    """How many client_ids of the storm have 0, 1, 2... stored reports."""
    engine = create_db_engine(settings.resolved_database_url)
    with session_scope(engine, write=False) as session:
        rows = session.exec(
            select(Report.client_id, func.count()).group_by(Report.client_id)  # type: ignore[arg-type]
        ).all()
    engine.dispose()
    stored = dict(rows)
    return Counter(stored.get(client_id, 0) for client_id in {a.client_id for a in result.reports})


def one_round(database_url: str, data_dir: Path) -> None:
    settings = Settings(
        env="production",  # type: ignore[arg-type]
        database_url=database_url,
        data_dir=data_dir,
        secret_key=uuid.uuid4().hex + uuid.uuid4().hex,
        rate_limits=False,
    )
    rider, coordinator, waiting_id = prepare(settings)
    with server_process(settings) as server:
        cpu_before = server.cpu_s()
        result = run_storm(
            server.base_url, rider, coordinator, waiting_id, replays=REPLAYS, distinct=DISTINCT
        )
        cpu_s = server.cpu_s() - cpu_before
    latencies = sorted(a.latency_s for a in result.reports)
    statuses = Counter(a.status for a in result.reports)
    accept = result.coordinator
    assert accept is not None
    print(
        f"  writes/s {len(latencies) / result.duration_s:6.1f}"
        f"  p50 {statistics.median(latencies) * 1000:6.0f} ms"
        f"  p99 {latencies[int(0.99 * (len(latencies) - 1))] * 1000:6.0f} ms"
        f"  5xx {sum(n for s, n in statuses.items() if s >= 500):3d}"
        f"  503 {statuses.get(503, 0):3d}"
        f"  reports per client_id {dict(sorted(reports_per_client_id(settings, result).items()))}"
        f"  coordinator write {accept.status} in {accept.latency_s * 1000:5.0f} ms"
        f"  server CPU {cpu_s:4.1f} s  (load {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cluster: Cluster | None = start_cluster() if args.postgres else None
    print(
        f"{REPLAYS} replays of one client_id + {DISTINCT} distinct reports at once, "
        f"on {'PostgreSQL' if cluster else 'SQLite'}:"
    )
    try:
        for number in range(args.rounds):
            with tempfile.TemporaryDirectory(prefix="tantou-storm-") as temporary:
                data_dir = Path(temporary)
                database_url = f"sqlite:///{data_dir / 'tantou.db'}"
                if cluster is not None:
                    database_url = _fresh_postgres_database(cluster, f"storm_{number}")
                one_round(database_url, data_dir)
    finally:
        if cluster is not None:
            cluster.stop()


def _fresh_postgres_database(cluster: Cluster, name: str) -> str:
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return cluster.url(name)


if __name__ == "__main__":
    main()
