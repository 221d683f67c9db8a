"""photo_redaction: whether each photo's copies have faces and plates pixelated

Photos stored before redaction existed are marked unchecked: they are not served until the
redaction job has redacted them.

Revision ID: photo_redaction
Revises: report_supporters
Create Date: 2026-12-06 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "photo_redaction"
down_revision: str | None = "report_supporters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report_photo") as batch:
        batch.add_column(
            sa.Column("redaction", sa.String(24), nullable=False, server_default="unchecked")
        )
        batch.add_column(
            sa.Column("redacted_regions", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(sa.Column("redaction_failure", sa.String(200), nullable=True))
        batch.add_column(sa.Column("original_key", sa.String(64), nullable=True))
    op.create_index(
        "ix_report_photo_to_redact",
        "report_photo",
        ["id"],
        sqlite_where=sa.text("redaction != 'redacted'"),
        postgresql_where=sa.text("redaction != 'redacted'"),
    )
    op.create_index("ix_report_photo_original_key", "report_photo", ["original_key"])
    op.create_index(
        "ix_report_photo_sealed",
        "report_photo",
        ["created_at", "id"],
        sqlite_where=sa.text("original_key IS NOT NULL"),
        postgresql_where=sa.text("original_key IS NOT NULL"),
    )

    op.create_table(
        "photo_reveal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.Integer(), nullable=False),
        sa.Column("box", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_photo_reveal_report_id_report"
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["report_photo.id"], name="fk_photo_reveal_photo_id_report_photo"
        ),
        sa.ForeignKeyConstraint(
            ["viewer_id"], ["account.id"], name="fk_photo_reveal_viewer_id_account"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_photo_reveal"),
    )
    op.create_index("ix_photo_reveal_viewer_id", "photo_reveal", ["viewer_id"])
    op.create_index("ix_photo_reveal_report_revealed", "photo_reveal", ["report_id", "revealed_at"])


def downgrade() -> None:
    op.drop_table("photo_reveal")
    op.drop_index("ix_report_photo_sealed", table_name="report_photo")
    op.drop_index("ix_report_photo_original_key", table_name="report_photo")
    op.drop_index("ix_report_photo_to_redact", table_name="report_photo")
    with op.batch_alter_table("report_photo") as batch:
        batch.drop_column("original_key")
        batch.drop_column("redaction_failure")
        batch.drop_column("redacted_regions")
        batch.drop_column("redaction")
