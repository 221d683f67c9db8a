"""report_supporters: riders who said "me too" (我也遇到) of a report

Revision ID: report_supporters
Revises: rider_rights
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "report_supporters"
down_revision: str | None = "rider_rights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_supporter",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("rider_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_report_supporter_report_id_report"
        ),
        sa.ForeignKeyConstraint(
            ["rider_id"], ["account.id"], name="fk_report_supporter_rider_id_account"
        ),
        sa.PrimaryKeyConstraint("report_id", "rider_id", name="pk_report_supporter"),
    )
    op.create_index("ix_report_supporter_rider_id", "report_supporter", ["rider_id"])


def downgrade() -> None:
    op.drop_index("ix_report_supporter_rider_id", table_name="report_supporter")
    op.drop_table("report_supporter")
