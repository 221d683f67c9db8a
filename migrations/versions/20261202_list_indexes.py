"""list_indexes: staff report lists in their own order (urgent first, newest first)

Revision ID: list_indexes
Revises: figures
Create Date: 2026-12-02 20:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "list_indexes"
down_revision: str | None = "figures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_report_urgent_created", "report", ["urgent", "created_at", "id"])
    op.create_index(
        "ix_report_status_urgent_created",
        "report",
        ["status", "urgent", "created_at", "id", "area_path"],
    )


def downgrade() -> None:
    op.drop_index("ix_report_status_urgent_created", table_name="report")
    op.drop_index("ix_report_urgent_created", table_name="report")
