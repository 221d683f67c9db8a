"""The staff report lists are read from an index in their own order: the database's EXPLAIN of
the real service query shows no sort of the whole set and no full scan of the table."""

import json
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.scope import Scope
from app.reports.reading import ReportFilter, list_reports
from app.reports.states import ReportStatus

ADMIN = Scope(account_id=1, role=Role.ADMIN, area_paths=None, unit_id=None)
STREET = Scope(account_id=1, role=Role.COORDINATOR, area_paths=("/34/3411/",), unit_id=None)


def captured_report_query(session: Session, scope: Scope, filters: ReportFilter) -> tuple[str, Any]:
    """The SQL and parameters list_reports sends for its page of reports."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM report" in statement and "ORDER BY" in statement:
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        list_reports(session, scope, filters, cursor=None, limit=50)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen[0]


def plan_lines(session: Session, statement: str, parameters: Any) -> list[str]:
    """SQLite's plan details, or the node types of PostgreSQL's JSON plan (seq scans off, so
    that an empty test table still shows which index the planner can use for the order)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [str(row[-1]) for row in rows]
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    plan = raw if isinstance(raw, list) else json.loads(raw)

    def walk(node: dict[str, Any]) -> list[str]:
        here = f"{node['Node Type']} {node.get('Index Name', '')}".strip()
        return [here, *(line for child in node.get("Plans", []) for line in walk(child))]

    return walk(plan[0]["Plan"])


@pytest.mark.parametrize(
    ("scope", "filters", "index"),
    [
        (ADMIN, ReportFilter(), "ix_report_urgent_created"),
        (ADMIN, ReportFilter(status=ReportStatus.SUBMITTED), "ix_report_status_urgent_created"),
        (STREET, ReportFilter(status=ReportStatus.SUBMITTED), "ix_report_status_urgent_created"),
    ],
    ids=["admin-unfiltered", "admin-submitted", "street-submitted"],
)
def test_staff_report_lists_read_their_index_in_order(
    session: Session, scope: Scope, filters: ReportFilter, index: str
) -> None:
    lines = plan_lines(session, *captured_report_query(session, scope, filters))
    text = " | ".join(lines)
    assert any(index in line for line in lines), text
    assert "TEMP B-TREE" not in text, text
    assert "Sort" not in lines, text
    assert not any(line in ("SCAN report", "Seq Scan") for line in lines), text
