"""rider_rights: privacy consent on rider profiles, and the audit of caller-phone views

Revision ID: rider_rights
Revises: console_map
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "rider_rights"
down_revision: str | None = "console_map"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rider_profile") as batch:
        batch.add_column(
            sa.Column(
                "privacy_consent_version",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column("privacy_consented_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "caller_phone_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_caller_phone_view_report_id_report"
        ),
        sa.ForeignKeyConstraint(
            ["viewer_id"], ["account.id"], name="fk_caller_phone_view_viewer_id_account"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_caller_phone_view"),
    )
    op.create_index(
        "ix_caller_phone_view_report_viewed", "caller_phone_view", ["report_id", "viewed_at"]
    )
    op.create_index("ix_caller_phone_view_viewer_id", "caller_phone_view", ["viewer_id"])


def downgrade() -> None:
    op.drop_index("ix_caller_phone_view_viewer_id", table_name="caller_phone_view")
    op.drop_index("ix_caller_phone_view_report_viewed", table_name="caller_phone_view")
    op.drop_table("caller_phone_view")
    with op.batch_alter_table("rider_profile") as batch:
        batch.drop_column("privacy_consented_at")
        batch.drop_column("privacy_consent_version")
