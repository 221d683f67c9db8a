"""The figures page in Chromium: every chart's numbers (read from ECharts itself) and every
table equal GET /stats for the same area and period; a coordinator of the other town sees none
of them; ECharts and the charts' modules are fetched by that page alone, never by the console's
first load."""

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlmodel import Session, col

from app.accounts.models import Role
from app.accounts.service import create_account
from app.cases.models import Task
from app.core.clock import utcnow
from app.core.db import writer_engine
from app.demo.fengyang import COUNTY_CODE, TOWNS
from app.demo.seed import DEMO_PASSWORD
from app.figures.periods import day_of
from tests.e2e.api_client import COORDINATOR, UNIT_CODE, ApiClient
from tests.e2e.conftest import PROJECT_ROOT, OpenPage
from tests.e2e.server import LiveServer
from tests.e2e.test_console import (
    GARBAGE,
    PHOTO,
    UNCIVIL,
    UNIT_ACCOUNT,
    console_login,
    screenshot,
    submit_report,
)

pytestmark = pytest.mark.e2e

OTHER_TOWN = COUNTY_CODE + TOWNS[1][0]  # 临淮关镇
OTHER_COORDINATOR = "linhuai-coordinator"
WEIGHTS_FILE = PROJECT_ROOT / "test-artifacts" / "console-weights.json"
# Each stage of the funnel: the statuses a report has reached at least.
FUNNEL = (
    None,
    ("accepted", "dispatched", "in_progress", "resolved", "closed"),
    ("dispatched", "in_progress", "resolved", "closed"),
    ("resolved", "closed"),
    ("closed",),
)
RATES = ("closure_rate", "on_time_closure_rate", "rework_rate")

CHART_OPTIONS = """async (name) => {
    const echarts = await import('/vendor/echarts/echarts.esm.min.js');
    const chart = echarts.getInstanceByDom(document.querySelector(`[data-chart=${name}]`));
    const option = chart.getOption();
    return {
        axis: option.xAxis ? option.xAxis[0].data : null,
        series: option.series.map((s) => ({ id: s.id, type: s.type, data: s.data })),
    };
}"""


def _history(api: ApiClient, server: LiveServer) -> dict[str, int]:
    """Today's reports of the coordinator's town at every stage: one closed, one with an
    overdue task, one reworked and resolved again, one waiting."""
    closed, overdue, reworked, _waiting = (
        submit_report(api, category=category, description=text)["id"]
        for category, text in (
            (GARBAGE, "垃圾桶满溢，已清运"),
            (UNCIVIL, "店外占道堆放杂物"),
            (GARBAGE, "楼道堆放垃圾袋"),
            (UNCIVIL, "车辆乱停占用消防通道"),
        )
    )
    tasks = {}
    for report_id in (closed, overdue, reworked):
        api.call("POST", f"/reports/{report_id}/accept", as_user=COORDINATOR, json={})
        tasks[report_id] = api.call(
            "POST",
            f"/reports/{report_id}/tasks",
            as_user=COORDINATOR,
            json={"unit_code": UNIT_CODE},
        )["id"]
    for report_id in (closed, reworked):
        _complete(api, tasks[report_id])
    api.call("POST", f"/reports/{closed}/verify", as_user=COORDINATOR, json={"approved": True})
    api.call(
        "POST",
        f"/reports/{reworked}/verify",
        as_user=COORDINATOR,
        json={"approved": False, "note": "垃圾袋未清理干净"},
    )
    _complete(api, tasks[reworked])
    with Session(writer_engine(server.runtime.engine)) as session:
        session.execute(
            update(Task)
            .where(col(Task.id) == tasks[overdue])
            .values(due_at=utcnow() - timedelta(hours=2))
        )
        session.commit()
    return {"closed": closed, "overdue_task": tasks[overdue]}


def _complete(api: ApiClient, task_id: int) -> None:
    api.call("POST", f"/tasks/{task_id}/accept", as_user=UNIT_ACCOUNT, json={})
    api.call(
        "POST",
        f"/tasks/{task_id}/complete",
        as_user=UNIT_ACCOUNT,
        data={"note": "已处置"},
        files=[("photo", ("after.jpg", PHOTO.read_bytes(), "image/jpeg"))],
    )


def _period() -> dict[str, str]:
    today = day_of(utcnow())
    return {
        "from": (today - timedelta(days=6)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat(),
    }


def _open_figures(page: Page, period: dict[str, str]) -> None:
    page.goto(f"/console/#/stats?from={period['from']}&to={period['to']}")
    for name in ("received", "funnel", "rates"):
        expect(page.locator(f"[data-chart={name}][data-ready=true] svg")).to_be_attached()


def _funnel(stats: dict[str, Any]) -> list[int]:
    by_status = stats["by_status"]
    return [
        stats["received"] if stage is None else sum(by_status[s] for s in stage) for stage in FUNNEL
    ]


def test_the_charts_and_tables_show_the_numbers_of_stats(
    desk: OpenPage, api: ApiClient, server: LiveServer
) -> None:
    made = _history(api, server)
    period = _period()
    page = desk()
    console_login(page, COORDINATOR)
    _open_figures(page, period)
    stats = api.call("GET", "/stats", as_user=COORDINATOR, params=period)
    points = stats["series"]["points"]
    assert stats["series"]["step"] == "day"
    assert stats["closed"]
    assert stats["reworked"]
    assert stats["overdue_now"]

    received = page.evaluate(CHART_OPTIONS, "received")
    assert received["axis"] == [point["start"] for point in points]
    by_category = {item["id"]: item["data"] for item in received["series"]}
    assert by_category == {
        category["code"]: [point["by_category"].get(category["code"], 0) for point in points]
        for category in stats["by_category"]
    }
    assert {code: sum(data) for code, data in by_category.items()} == {
        category["code"]: category["count"] for category in stats["by_category"]
    }

    funnel = page.evaluate(CHART_OPTIONS, "funnel")["series"][0]["data"]
    assert [stage["value"] for stage in funnel] == _funnel(stats)

    rates = page.evaluate(CHART_OPTIONS, "rates")
    assert {item["id"]: item["data"] for item in rates["series"]} == {
        rate: [point[rate] for point in points] for rate in RATES
    }
    assert sum(point["closed"] for point in points) == stats["closed"]

    grids = api.call("GET", "/stats/league", as_user=COORDINATOR, params=period)["items"]
    assert sum(row["received"] for row in grids) == stats["received"]
    league = page.locator("tr[data-grid-code]")
    expect(league).to_have_count(len(grids))
    assert league.evaluate_all("rows => rows.map((r) => r.dataset.gridCode)") == [
        row["code"] for row in grids
    ]
    for index, row in enumerate(grids):
        expect(league.nth(index).locator("td").nth(2)).to_have_text(str(row["received"]))

    overdue = api.call("GET", "/stats/overdue", as_user=COORDINATOR)["items"]
    assert made["overdue_task"] in [task["id"] for task in overdue]
    assert len(overdue) == min(stats["overdue_now"], 20)
    rows = page.locator("tr[data-task-id]")
    expect(rows).to_have_count(len(overdue))
    assert rows.evaluate_all("rows => rows.map((r) => Number(r.dataset.taskId))") == [
        task["id"] for task in overdue
    ]
    screenshot(page, "console-figures")

    page.locator("details.chart-data summary").first.click()
    table_rows = page.locator("[data-chart=received] ~ details tbody tr")
    expect(table_rows).to_have_count(len(points))
    screenshot(page, "console-figures-table")


def test_a_coordinator_of_the_other_town_sees_none_of_it(
    desk: OpenPage, api: ApiClient, server: LiveServer
) -> None:
    made = _history(api, server)
    with Session(writer_engine(server.runtime.engine)) as session:
        create_account(
            session,
            role=Role.COORDINATOR,
            username=OTHER_COORDINATOR,
            password=DEMO_PASSWORD,
            display_name="临淮关镇网格员",
            area_codes=[OTHER_TOWN],
        )
        session.commit()
    period = _period()
    page = desk()
    console_login(page, OTHER_COORDINATOR)
    _open_figures(page, period)
    stats = api.call("GET", "/stats", as_user=OTHER_COORDINATOR, params=period)
    own = api.call("GET", "/stats", as_user=COORDINATOR, params=period)
    assert own["received"] >= 4
    assert stats["received"] == 0
    assert api.call("GET", "/stats/league", as_user=OTHER_COORDINATOR, params=period)["items"] == []
    assert stats["overdue_now"] == 0
    received = page.evaluate(CHART_OPTIONS, "received")
    assert received["series"] == []
    assert page.evaluate(CHART_OPTIONS, "funnel")["series"][0]["data"][0]["value"] == 0
    expect(page.locator("tr[data-grid-code]")).to_have_count(0)
    expect(page.locator(f"tr[data-task-id='{made['overdue_task']}']")).to_have_count(0)
    refused = httpx.get(
        f"{api.base_url}/api/v1/stats",
        headers={"Authorization": f"Bearer {api.token(OTHER_COORDINATOR)}"},
        params={
            "area": api.call("GET", "/stats/league", as_user=COORDINATOR, params=period)["items"][
                0
            ]["code"]
        },
        timeout=10,
    )
    assert refused.status_code == 403
    screenshot(page, "console-figures-other-town")


def test_echarts_loads_on_the_figures_page_alone(desk: OpenPage) -> None:
    page = desk()
    fetched: list[tuple[str, int]] = []
    page.on(
        "requestfinished",
        lambda request: fetched.append((request.url, _transferred(request))),
    )
    console_login(page, COORDINATOR)
    page.wait_for_load_state("networkidle")
    first_load = list(fetched)
    fetched.clear()
    page.goto("/console/#/stats")
    expect(page.locator("[data-chart=received][data-ready=true] svg")).to_be_attached()
    page.wait_for_load_state("networkidle")
    figures = list(fetched)
    figures_only = ("/vendor/echarts/", "/js/charts.js", "/js/views/stats-charts.js")
    assert not [url for url, _ in first_load if any(part in url for part in figures_only)]
    for part in figures_only:
        assert [url for url, _ in figures if part in url], part
    WEIGHTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS_FILE.write_text(
        json.dumps(
            {
                "console_first_load_requests": len(first_load),
                "console_first_load_bytes": sum(size for _, size in first_load),
                "figures_page_requests": len(figures),
                "figures_page_bytes": sum(size for _, size in figures),
                "echarts_bytes": sum(size for url, size in figures if "/vendor/echarts/" in url),
            },
            indent=2,
        )
    )


def _transferred(request: Any) -> int:
    sizes = request.sizes()
    return max(0, sizes["responseBodySize"]) + sizes["responseHeadersSize"]
