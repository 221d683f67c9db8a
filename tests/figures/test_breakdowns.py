"""The figures day by day, month by month and grid by grid equal a count report by report, and
add up to the figures of the whole period."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.figures.cases import case_figures
from app.figures.league import grid_league
from app.figures.periods import day_start
from app.figures.series import SeriesPoint, figure_series
from app.grids.service import grid_by_code
from tests.cases.factories import OTHER_GRID, Steps
from tests.factories import COMMUNITY, GRID, TOWN
from tests.figures.recount import recount
from tests.figures.test_rollups import History
from tests.fixtures.people import People

COUNTED = ("received", "cases", "closed", "closed_on_time", "reworked", "resolved_once")


def _point_end(point: SeriesPoint, step: str) -> datetime:
    start = point.start
    following = (
        start + timedelta(days=1) if step == "day" else (start + timedelta(days=32)).replace(day=1)
    )
    return day_start(following)


def _counted(figures: Any) -> dict[str, Any]:
    return {name: getattr(figures, name) for name in COUNTED}


def _recounted(session: Session, area_path: str | None, since: Any, until: Any) -> dict[str, Any]:
    expected = recount(session, area_path, since, until)
    session.rollback()
    return {name: expected[name] for name in COUNTED}


def test_series_and_league_equal_a_count_report_by_report(
    session: Session, people: People, steps: Steps
) -> None:
    history = History(session, people, steps, seed=11)
    history.run(90)
    paths = [None] + [
        grid.path for code in (GRID, COMMUNITY, TOWN) if (grid := grid_by_code(session, code))
    ]
    grid_paths = {
        code: grid.path for code in (GRID, OTHER_GRID) if (grid := grid_by_code(session, code))
    }
    session.rollback()
    rng = random.Random(5)
    now = datetime.now(UTC)
    steps_seen = set()
    for _ in range(12):
        ends = sorted(history.now - timedelta(minutes=rng.randint(-60, 75 * 24 * 60)) for _ in "ab")
        since = None if rng.random() < 0.2 else ends[0]
        until = None if rng.random() < 0.2 else ends[1]
        area_path = rng.choice(paths)
        areas = None if area_path is None else [area_path]
        whole = case_figures(session, areas, since=since, until=until, now=now)
        series = figure_series(session, areas, since=since, until=until, now=now)
        league = grid_league(session, areas, since=since, until=until, now=now)
        session.rollback()
        steps_seen.add(series.step)
        starts = [point.start for point in series.points]
        assert starts == sorted(set(starts))
        for point in series.points:
            point_since = day_start(point.start)
            point_until = _point_end(point, series.step)
            if since is not None and point_since < since:
                point_since = since
            if until is not None and point_until > until:
                point_until = until
            expected = recount(session, area_path, point_since, point_until)
            session.rollback()
            assert _counted(point) == {name: expected[name] for name in COUNTED}
            assert point.by_category == dict(expected["by_category"])
        for name in (*COUNTED, "due_to_close"):
            assert sum(getattr(point, name) for point in series.points) == getattr(whole, name)
        shown = {row.code: row for row in league}
        for code, path in grid_paths.items():
            expected = _recounted(session, path, since, until)
            if area_path is not None and not path.startswith(area_path):
                assert code not in shown
            elif expected["received"]:
                assert _counted(shown[code]) == expected
            else:
                assert code not in shown
    assert steps_seen == {"day", "month"}
