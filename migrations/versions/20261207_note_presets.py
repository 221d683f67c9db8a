"""note_presets: reasons and notes coordinators pick (常用语), kept by admins

Revision ID: note_presets
Revises: photo_redaction
Create Date: 2026-12-07 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "note_presets"
down_revision: str | None = "photo_redaction"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note_preset",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("purpose", "text", name="uq_note_preset_purpose_text"),
    )


def downgrade() -> None:
    op.drop_table("note_preset")
