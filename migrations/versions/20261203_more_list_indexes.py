"""more_list_indexes: every other paged list in its own order (unassigned queue, a unit's tasks,
pending riders, a community's riders, a rider's redemptions, unread notifications)

Revision ID: more_list_indexes
Revises: list_indexes
Create Date: 2026-12-03 12:30:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "more_list_indexes"
down_revision: str | None = "list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _partial(condition: str) -> dict[str, Any]:
    return {f"{dialect}_where": sa.text(condition) for dialect in ("sqlite", "postgresql")}


def upgrade() -> None:
    # Each replaced index is a prefix of its successor; no query looks reports up by grid code,
    # so report.grid_code keeps only the partial indexes of the unassigned queue.
    op.drop_index("ix_report_grid_code", table_name="report")
    op.create_index(
        "ix_report_unassigned_urgent_created",
        "report",
        ["urgent", "created_at", "id", "area_path"],
        **_partial("grid_code IS NULL"),
    )
    op.create_index(
        "ix_report_unassigned_status_urgent_created",
        "report",
        ["status", "urgent", "created_at", "id", "area_path"],
        **_partial("grid_code IS NULL"),
    )
    op.drop_index("ix_task_unit_status", table_name="task")
    op.create_index("ix_task_unit_id", "task", ["unit_id", "id"])
    op.create_index("ix_task_unit_status_id", "task", ["unit_id", "status", "id"])
    op.create_index("ix_account_status_id", "account", ["status", "id"])
    op.drop_index("ix_rider_profile_community_code", table_name="rider_profile")
    op.create_index(
        "ix_rider_profile_community_account", "rider_profile", ["community_code", "account_id"]
    )
    op.create_index("ix_redemption_rider_id", "redemption", ["rider_id", "id"])
    op.drop_index("ix_notification_account_read", table_name="notification")
    op.create_index(
        "ix_notification_unread",
        "notification",
        ["account_id", "id"],
        **_partial("read_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_notification_unread", table_name="notification")
    op.create_index("ix_notification_account_read", "notification", ["account_id", "read_at"])
    op.drop_index("ix_redemption_rider_id", table_name="redemption")
    op.drop_index("ix_rider_profile_community_account", table_name="rider_profile")
    op.create_index("ix_rider_profile_community_code", "rider_profile", ["community_code"])
    op.drop_index("ix_account_status_id", table_name="account")
    op.drop_index("ix_task_unit_status_id", table_name="task")
    op.drop_index("ix_task_unit_id", table_name="task")
    op.create_index("ix_task_unit_status", "task", ["unit_id", "status"])
    op.drop_index("ix_report_unassigned_status_urgent_created", table_name="report")
    op.drop_index("ix_report_unassigned_urgent_created", table_name="report")
    op.create_index("ix_report_grid_code", "report", ["grid_code"])
