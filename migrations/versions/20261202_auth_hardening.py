"""auth hardening: tokens ended by logging out, registrations counted per address

Revision ID: auth_hardening
Revises: api_keys
Create Date: 2026-12-02 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "auth_hardening"
down_revision: str | None = "api_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revoked_token",
        sa.Column("jti", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti"),
    )
    with op.batch_alter_table("revoked_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revoked_token_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "registration_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registration_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_attempt_client_address"), ["client_address"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registration_attempt_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registration_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_attempt_created_at"))
        batch_op.drop_index(batch_op.f("ix_registration_attempt_client_address"))
    op.drop_table("registration_attempt")
    with op.batch_alter_table("revoked_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revoked_token_expires_at"))
    op.drop_table("revoked_token")
