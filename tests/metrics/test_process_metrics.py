"""Metrics that need no database: the image pool's admissions and multiprocess mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.core.errors import ServiceUnavailable
from app.core.metrics import exposition
from app.photos.pool import ImagePool
from tests.metrics.scraping import sample

# A worker process's work: one job run and one stream opened; with "forget", a clean stop.
WORKER = """
import sys
from app.core.metrics import OPEN_STREAMS, forget_this_process, measured_job

measured_job("probe")(lambda: None)()
OPEN_STREAMS.inc()
if sys.argv[1:] == ["forget"]:
    forget_this_process()
"""
SCRAPE = (
    "import sys; from app.core.metrics import exposition; sys.stdout.write(exposition().decode())"
)
CLEAR = "from app.core.metrics import clear_multiprocess_dir; clear_multiprocess_dir()"


def test_a_short_metrics_token_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="TANTOU_METRICS_TOKEN"):
        Settings(data_dir=tmp_path, metrics_token="too-short")


def test_image_pool_counts_admissions_and_refusals() -> None:
    pool = ImagePool(workers=1, queue=0, tasks_per_worker=1, retry_after_s=1)
    before = exposition().decode()
    with pool.admitted():
        holding = exposition().decode()
        with pytest.raises(ServiceUnavailable), pool.admitted():
            pass
    after = exposition().decode()

    def moved(name: str, exposed: str, **labels: str) -> float:
        return sample(exposed, name, **labels) - sample(before, name, **labels)

    assert moved("tantou_image_requests_admitted", holding) == 1
    assert moved("tantou_image_requests_admitted", after) == 0
    assert moved("tantou_image_admissions_total", after, outcome="admitted") == 1
    assert moved("tantou_image_admissions_total", after, outcome="refused") == 1


def _run(code: str, multiproc_dir: Path, *args: str) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_multiprocess_mode_adds_up_every_process(tmp_path: Path) -> None:
    _run(WORKER, tmp_path)
    _run(WORKER, tmp_path, "forget")
    exposed = _run(SCRAPE, tmp_path)
    assert sample(exposed, "tantou_job_runs_total", job="probe", outcome="ok") == 2
    # The process that stopped cleanly no longer counts its open stream; the other one does.
    assert sample(exposed, "tantou_event_streams_open") == 1


def test_clearing_the_multiprocess_dir_forgets_an_earlier_run(tmp_path: Path) -> None:
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("kept")
    _run(WORKER, tmp_path)
    _run(CLEAR, tmp_path)
    exposed = _run(SCRAPE, tmp_path)
    assert sample(exposed, "tantou_job_runs_total", job="probe") == 0
    assert unrelated.read_text() == "kept"
