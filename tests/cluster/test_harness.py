"""The harness itself: two servers on one database both answer, and a killed one is gone."""

from pathlib import Path

import httpx

from tests.cluster.harness import server_group
from tests.conftest import TEST_SECRET_KEY


def test_two_servers_share_one_database_and_a_killed_one_stops(
    shared_database_url: str, tmp_path: Path
) -> None:
    settings = {"env": "test", "secret_key": TEST_SECRET_KEY}
    with server_group(shared_database_url, tmp_path, settings) as group:
        first, second = group.start(), group.start()
        assert first.url != second.url
        for server in (first, second):
            assert httpx.get(f"{server.url}/readyz", timeout=5).json() == {"status": "ok"}
        first.kill()
        assert not first.is_running()
        assert httpx.get(f"{second.url}/healthz", timeout=5).status_code == 200
