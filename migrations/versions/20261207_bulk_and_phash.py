"""bulk_and_phash: the record of bulk actions, and each photo's perceptual hash

Revision ID: bulk_and_phash
Revises: unit_contacts
Create Date: 2026-12-07 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bulk_and_phash"
down_revision: str | None = "unit_contacts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("report_photo", sa.Column("phash", sa.String(length=16), nullable=True))
    op.create_table(
        "bulk_action",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name="fk_bulk_action_account_id_account"
        ),
        sa.UniqueConstraint("account_id", "client_id", name="uq_bulk_action_account_id_client_id"),
    )
    op.create_table(
        "bulk_action_result",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bulk_action_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bulk_action_id"],
            ["bulk_action.id"],
            name="fk_bulk_action_result_bulk_action_id_bulk_action",
        ),
        sa.UniqueConstraint(
            "bulk_action_id", "report_id", name="uq_bulk_action_result_bulk_action_id_report_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("bulk_action_result")
    op.drop_table("bulk_action")
    op.drop_column("report_photo", "phash")
