"""Memory of all the server's processes under the worst small photos, through `tantou serve`.

Run from the repository root: .venv/bin/python -m bench.image_memory

Starts `tantou serve` (SQLite in a temporary data dir, default image settings) and sums the RSS
of the server and every process under it (fork server, image workers), sampled every 20 ms.
Baseline: after one ordinary report (a 2048 px phone JPEG). Then, each scenario as five
concurrent requests:

- six 45 MP RGBA PNGs each, about 190 KB apiece (the attack of issue 9: 196 MB per decode);
- four 25 MP RGBA PNGs each, the worst that is accepted (the PNG limit, and 100 MP, the
  request budget), so these are decoded.

Prints the answers, the peak over the baseline and where memory settles 1, 3 and 5 s after the
last answer. Aim: peak at most 1.2 GB over the baseline, settled within 400 MB of it.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

import app.models  # noqa: E402, F401  (registers every table)
from app.accounts.models import Role  # noqa: E402
from app.accounts.service import create_account  # noqa: E402
from app.core.db import create_db_engine, session_scope  # noqa: E402
from app.demo.fengyang import demo_grids  # noqa: E402
from app.grids.service import import_feature_collection  # noqa: E402
from bench.photo_fixtures import make_phone_jpeg  # noqa: E402
from tests.photos.factories import make_flat_png  # noqa: E402

RIDER_PHONE, RIDER_PASSWORD = "13800000001", "bench-password-123"
POINT = {"lat": "32.854", "lon": "117.5325"}
SAMPLE_S = 0.02
SETTLE_AFTER_S = (1.0, 3.0, 5.0)
CONCURRENT_REQUESTS = 5
MB = 1024 * 1024
AIM_PEAK_MB, AIM_SETTLED_MB = 1200, 400


def tree_rss_bytes(root_pid: int) -> int:
    """VmRSS of root_pid and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except (FileNotFoundError, ProcessLookupError):
            continue
        pid = int(status.parent.name)
        parents[pid] = int(fields["PPid"])
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    members, pending = {root_pid}, [root_pid]
    while pending:
        parent = pending.pop()
        for pid, parent_pid in parents.items():
            if parent_pid == parent and pid not in members:
                members.add(pid)
                pending.append(pid)
    return sum(rss.get(pid, 0) for pid in members)


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            time.sleep(SAMPLE_S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(client: httpx.Client, token: str, photos: list[bytes]) -> int:
    fields = {"category": "0102", "client_id": str(uuid.uuid4()), **POINT}
    files = [("photo", (f"p{i}.png", data, "image/png")) for i, data in enumerate(photos)]
    response = client.post(
        "/api/v1/reports",
        data=fields,
        files=files,
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    )
    return response.status_code


def scenario(url: str, pid: int, token: str, name: str, photos: list[bytes], base: int) -> None:
    sampler = Sampler(pid)
    sampler.start()
    with httpx.Client(base_url=url) as client, ThreadPoolExecutor(CONCURRENT_REQUESTS) as pool:
        statuses = list(
            pool.map(lambda _n: post(client, token, photos), range(CONCURRENT_REQUESTS))
        )
    answered = time.monotonic()
    settled = []
    for after_s in SETTLE_AFTER_S:
        time.sleep(max(0.0, answered + after_s - time.monotonic()))
        settled.append(tree_rss_bytes(pid))
    sampler.running = False
    sampler.join()
    peak_mb = (sampler.peak - base) / MB
    settled_mb = [(value - base) / MB for value in settled]
    print(f"\n{name}")
    print(f"  answers: {dict(Counter(statuses))}")
    print(
        f"  peak over baseline: {peak_mb:.0f} MB (aim <= {AIM_PEAK_MB}) "
        f"{'ok' if peak_mb <= AIM_PEAK_MB else 'OVER'}"
    )
    print(
        "  settled over baseline: "
        + ", ".join(
            f"{s:.0f} MB at {a:g} s" for s, a in zip(settled_mb, SETTLE_AFTER_S, strict=True)
        )
        + f" (aim <= {AIM_SETTLED_MB}) {'ok' if settled_mb[-1] <= AIM_SETTLED_MB else 'OVER'}"
    )


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="tantou-bench-memory-"))
    env = os.environ | {
        "TANTOU_ENV": "production",
        "TANTOU_SECRET_KEY": secrets.token_urlsafe(48),
        "TANTOU_DATA_DIR": str(data_dir),
        "TANTOU_RATE_LIMITS": "false",
    }
    tantou = str(Path(sys.executable).with_name("tantou"))
    subprocess.run([tantou, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    engine = create_db_engine(f"sqlite:///{data_dir / 'tantou.db'}")
    with session_scope(engine) as session:
        import_feature_collection(session, demo_grids())
        create_account(session, role=Role.RIDER, username=RIDER_PHONE, password=RIDER_PASSWORD)
        session.commit()
    engine.dispose()
    print("making the photos...", flush=True)
    attack_png = make_flat_png(8200, 5500)  # 45.1 MP
    worst_accepted_png = make_flat_png(5000, 5000)  # 25 MP
    ordinary = make_phone_jpeg(1, 2048, 1536)
    port = free_port()
    server = subprocess.Popen(
        [tantou, "serve", "--port", str(port)], env=env, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
            time.sleep(0.1)
        token = httpx.post(
            f"{url}/api/v1/auth/token",
            data={"username": RIDER_PHONE, "password": RIDER_PASSWORD},
        ).json()["access_token"]
        with httpx.Client(base_url=url) as client:
            assert post(client, token, [ordinary]) == 201
        time.sleep(1.0)
        base = tree_rss_bytes(server.pid)
        print(f"cores: {os.cpu_count()}; baseline after one ordinary report: {base / MB:.0f} MB")
        print(f"attack PNG: 8200x5500 RGBA, {len(attack_png) / 1024:.0f} KB")
        print(f"worst accepted PNG: 5000x5000 RGBA, {len(worst_accepted_png) / 1024:.0f} KB")
        scenario(url, server.pid, token, "5 x six 45 MP PNGs", [attack_png] * 6, base)
        scenario(url, server.pid, token, "5 x four 25 MP PNGs", [worst_accepted_png] * 4, base)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
