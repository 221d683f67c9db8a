"""The browser's GCJ-02 transform (frontend/shared/gcj02.js) equals the server's, run in Node."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.grids.crs import gcj02_to_wgs84, wgs84_to_gcj02

MODULE = Path(__file__).resolve().parents[2] / "frontend" / "shared" / "gcj02.js"
# (lon, lat): Fengyang, Beijing, Shanghai, Urumqi, Sanya; Helsinki (outside China, unshifted).
POINTS = [
    (117.5325, 32.854),
    (116.3975, 39.9087),
    (121.4737, 31.2304),
    (87.6168, 43.8256),
    (109.5119, 18.2528),
    (24.9384, 60.1699),
]


def _run_in_node(points: list[tuple[float, float]]) -> dict[str, list[list[float]]]:
    node = shutil.which("node")
    assert node is not None, "Node.js runs the frontend's lint; it is needed here too"
    script = (
        f"import {{ wgs84ToGcj02, gcj02ToWgs84 }} from {json.dumps(MODULE.as_uri())};"
        f"const points = {json.dumps(points)};"
        "console.log(JSON.stringify({"
        "shifted: points.map(([lon, lat]) => wgs84ToGcj02(lon, lat)),"
        "unshifted: points.map(([lon, lat]) => gcj02ToWgs84(lon, lat)),"
        "}));"
    )
    done = subprocess.run(
        [node, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    result: dict[str, list[list[float]]] = json.loads(done.stdout)
    return result


def test_the_browser_shifts_points_as_the_server_does() -> None:
    result = _run_in_node(POINTS)
    for (lon, lat), shifted, unshifted in zip(
        POINTS, result["shifted"], result["unshifted"], strict=True
    ):
        assert shifted == pytest.approx(wgs84_to_gcj02(lon, lat), abs=1e-12)
        assert unshifted == pytest.approx(gcj02_to_wgs84(lon, lat), abs=1e-12)


def test_the_shift_in_china_is_hundreds_of_metres_and_undone_by_the_inverse() -> None:
    fengyang = POINTS[0]
    (shifted,) = _run_in_node([fengyang])["shifted"]
    assert 0.001 < abs(shifted[0] - fengyang[0]) < 0.01  # about 100-1000 m of longitude
    (back,) = _run_in_node([(shifted[0], shifted[1])])["unshifted"]
    assert back == pytest.approx(fengyang, abs=1e-8)
    helsinki = POINTS[-1]
    assert _run_in_node([helsinki])["shifted"] == [list(helsinki)]
