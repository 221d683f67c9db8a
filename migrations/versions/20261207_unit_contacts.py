"""unit_contacts: the person and phone a coordinator calls at a handling unit

Revision ID: unit_contacts
Revises: note_presets
Create Date: 2026-12-07 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "unit_contacts"
down_revision: str | None = "note_presets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unit") as unit:
        unit.add_column(sa.Column("contact_name", sa.String(length=50), nullable=True))
        unit.add_column(sa.Column("contact_phone", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit") as unit:
        unit.drop_column("contact_phone")
        unit.drop_column("contact_name")
