"""figures: per-report figure keys and the rollups behind /stats, backfilled from the reports

Revision ID: figures
Revises: webhooks
Create Date: 2026-12-02 19:40:00

The backfill is literal SQL with the rules frozen as they are today (app/figures/keys.py and
buckets.py); `tantou rebuild-figures` recomputes the same from the application's own code.
"""

# ruff: noqa: S608  (the SQL is put together from this file's own constants, no input)
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "figures"
down_revision: str | None = "webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Close-time buckets: minutes below 128, then 64 buckets per doubling up to 2^31 minutes.
_BUCKET_CASE = " ".join(
    ["CASE WHEN {m} < 0 THEN 0 WHEN {m} < 128 THEN {m}"]
    + [
        f"WHEN {{m}} < {2 << doubling} THEN {{m}} - {{m}} % {1 << (doubling - 6)}"
        for doubling in range(7, 31)
    ]
    + ["ELSE {m} END"]
)
_SQL = {
    "sqlite": {
        "epoch": "CAST(strftime('%s', substr({c}, 1, 19)) AS INTEGER)",
        "day": "date(r.created_at, '+8 hours')",
        "month": "strftime('%Y-%m-01', period_start)",
        "find": "instr",
    },
    "postgresql": {
        "epoch": "CAST(extract(epoch from date_trunc('second', {c})) AS BIGINT)",
        "day": "CAST(timezone('UTC', r.created_at) + interval '8 hours' AS DATE)",
        "month": "CAST(date_trunc('month', period_start) AS DATE)",
        "find": "strpos",
    },
}


def _backfill(dialect: str) -> None:
    sql = _SQL[dialect]
    minutes = "(({closed}) - ({created})) / 60".format(
        closed=sql["epoch"].format(c="r.closed_at"), created=sql["epoch"].format(c="r.created_at")
    )
    op.execute(
        f"""
        INSERT INTO figure_report (report_id, created_at, day, area_path, category_code, status,
            reworked, resolved_once, closed_on_time, close_minutes)
        SELECT r.id, r.created_at, {sql["day"]}, coalesce(r.area_path, ''), r.category_code,
            r.status, r.rework_count > 0, r.resolved_at IS NOT NULL,
            CASE WHEN r.status = 'closed' AND r.resolved_at <= (
                SELECT max(t.due_at) FROM task t
                WHERE t.report_id = r.id AND t.status != 'returned'
            ) THEN true ELSE false END,
            CASE WHEN r.status = 'closed' AND r.closed_at IS NOT NULL
                THEN {_BUCKET_CASE.format(m=minutes)} END
        FROM report r
        """
    )
    # Every area level of a path: '/', then one more segment of it at a time.
    levels = f"""
        WITH RECURSIVE area_level(area_path, level) AS (
            SELECT DISTINCT area_path, CAST('/' AS VARCHAR(200)) FROM figure_report
            UNION
            SELECT area_path, CAST(substr(area_path, 1, length(level)
                + {sql["find"]}(substr(area_path, length(level) + 1), '/')) AS VARCHAR(200))
            FROM area_level WHERE length(level) < length(area_path)
        )
    """
    flags = "f.category_code, f.status, f.reworked, f.resolved_once, f.closed_on_time"
    op.execute(
        f"""{levels}
        INSERT INTO figure_count (area_path, period, period_start, category_code, status,
            reworked, resolved_once, closed_on_time, n)
        SELECT l.level, 'd', f.day, {flags}, count(*)
        FROM figure_report f JOIN area_level l ON l.area_path = f.area_path
        GROUP BY l.level, f.day, {flags}
        """
    )
    op.execute(
        f"""{levels}
        INSERT INTO figure_close_time (area_path, period, period_start, close_minutes, n)
        SELECT l.level, 'd', f.day, f.close_minutes, count(*)
        FROM figure_report f JOIN area_level l ON l.area_path = f.area_path
        WHERE f.close_minutes IS NOT NULL
        GROUP BY l.level, f.day, f.close_minutes
        """
    )
    for table, extra in (
        ("figure_count", "category_code, status, reworked, resolved_once, closed_on_time"),
        ("figure_close_time", "close_minutes"),
    ):
        op.execute(
            f"""
            INSERT INTO {table} (area_path, period, period_start, {extra}, n)
            SELECT area_path, 'm', {sql["month"]}, {extra}, sum(n) FROM {table}
            WHERE period = 'd' GROUP BY area_path, {sql["month"]}, {extra}
            """
        )


def upgrade() -> None:
    op.create_table(
        "figure_report",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("area_path", sa.String(length=200), nullable=False),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("reworked", sa.Boolean(), nullable=False),
        sa.Column("resolved_once", sa.Boolean(), nullable=False),
        sa.Column("closed_on_time", sa.Boolean(), nullable=False),
        sa.Column("close_minutes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("report_id"),
    )
    op.create_index("ix_figure_report_created", "figure_report", ["created_at"])
    op.create_table(
        "figure_count",
        sa.Column("area_path", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=1), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("reworked", sa.Boolean(), nullable=False),
        sa.Column("resolved_once", sa.Boolean(), nullable=False),
        sa.Column("closed_on_time", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "area_path",
            "period",
            "period_start",
            "category_code",
            "status",
            "reworked",
            "resolved_once",
            "closed_on_time",
        ),
    )
    op.create_table(
        "figure_close_time",
        sa.Column("area_path", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=1), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("close_minutes", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("area_path", "period", "period_start", "close_minutes"),
    )
    _backfill(op.get_bind().dialect.name)


def downgrade() -> None:
    op.drop_table("figure_close_time")
    op.drop_table("figure_count")
    op.drop_index("ix_figure_report_created", table_name="figure_report")
    op.drop_table("figure_report")
