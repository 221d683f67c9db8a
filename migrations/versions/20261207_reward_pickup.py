"""reward_pickup: where and when rewards are collected, and a code per redemption (兑换码)

Revision ID: reward_pickup
Revises: verification_offers
Create Date: 2026-12-07 15:40:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reward_pickup"
down_revision: str | None = "verification_offers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PICKUP_CODE_DIGITS = 6  # frozen here: app.rewards.models may change it later


def upgrade() -> None:
    with op.batch_alter_table("reward") as batch:
        batch.add_column(
            sa.Column("pickup_place", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("pickup_hours", sa.String(length=100), nullable=False, server_default="")
        )
    with op.batch_alter_table("redemption") as batch:
        batch.add_column(
            sa.Column(
                "pickup_code",
                sa.String(length=PICKUP_CODE_DIGITS),
                nullable=False,
                server_default="",
            )
        )
    # Every redemption made before gets a code of its own, so a pending one can be handed over.
    connection = op.get_bind()
    redemption = sa.table("redemption", sa.column("id", sa.Integer), sa.column("pickup_code"))
    for (redemption_id,) in connection.execute(sa.select(redemption.c.id)):
        code = f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"
        connection.execute(
            redemption.update().where(redemption.c.id == redemption_id).values(pickup_code=code)
        )
    with op.batch_alter_table("redemption") as batch:
        batch.alter_column("pickup_code", server_default=None)
    with op.batch_alter_table("reward") as batch:
        batch.alter_column("pickup_place", server_default=None)
        batch.alter_column("pickup_hours", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("redemption") as batch:
        batch.drop_column("pickup_code")
    with op.batch_alter_table("reward") as batch:
        batch.drop_column("pickup_hours")
        batch.drop_column("pickup_place")
