"""verification_offers: checks offered to the riders nearest the case, not a team's community

Revision ID: verification_offers
Revises: unit_contacts
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "verification_offers"
down_revision: str | None = "bulk_and_phash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verification_offer",
        sa.Column("verification_id", sa.Integer(), nullable=False),
        sa.Column("rider_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["verification_id"],
            ["verification_task.id"],
            name="fk_verification_offer_verification_id_verification_task",
        ),
        sa.ForeignKeyConstraint(
            ["rider_id"], ["account.id"], name="fk_verification_offer_rider_id_account"
        ),
        sa.PrimaryKeyConstraint("verification_id", "rider_id", name="pk_verification_offer"),
    )
    op.create_index(
        "ix_verification_offer_rider_verification",
        "verification_offer",
        ["rider_id", "verification_id"],
    )
    # Checks offered before keep the riders they were offered to: the teams of their community.
    op.execute(
        "INSERT INTO verification_offer (verification_id, rider_id) "
        "SELECT DISTINCT verification_task.id, rider_profile.account_id FROM verification_task "
        "JOIN team ON team.community_code = verification_task.community_code "
        "JOIN rider_profile ON rider_profile.team_id = team.id"
    )
    op.drop_index("ix_verification_task_community_status", table_name="verification_task")
    op.create_index(
        "ix_report_created_lat_lon", "report", ["created_at", "lat", "lon", "reporter_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_report_created_lat_lon", table_name="report")
    op.create_index(
        "ix_verification_task_community_status",
        "verification_task",
        ["community_code", "status", "id"],
    )
    op.drop_index("ix_verification_offer_rider_verification", table_name="verification_offer")
    op.drop_table("verification_offer")
