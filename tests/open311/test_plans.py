"""The Open311 feed's default query (a date window, newest first) is served by an index."""

from sqlmodel import Session

from app.core.clock import utcnow
from app.open311.service import MAX_REQUESTS, RequestQuery, requests_statement


def _plan(session: Session) -> str:
    statement = requests_statement(RequestQuery(), now=utcnow()).limit(MAX_REQUESTS)
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    if connection.dialect.name == "sqlite":
        positional = tuple(compiled.params[name] for name in compiled.positiontup or ())
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", positional)
        return "\n".join(str(row[-1]) for row in rows)
    # With a handful of rows a sequential scan is cheapest; forbid it to see the usable index.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
    return "\n".join(str(row[0]) for row in rows)


def test_the_default_window_reads_the_created_index_without_sorting(session: Session) -> None:
    plan = _plan(session)
    assert "ix_report_created" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    assert "Sort" not in plan, plan
