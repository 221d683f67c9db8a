"""console_map: the map's viewport reads reports by status and position from one index

Revision ID: console_map
Revises: city_workers
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "console_map"
down_revision: str | None = "city_workers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_report_status_lat_lon",
        "report",
        ["status", "lat", "lon", "area_path", "category_code", "urgent"],
    )


def downgrade() -> None:
    op.drop_index("ix_report_status_lat_lon", table_name="report")
