"""`factors.last_totp_step` as a 64-bit integer on PostgreSQL: with the clock set past the year 4010, the
TOTP time step no longer fits PostgreSQL's INTEGER. SQLite's INTEGER is 64-bit already (nothing to do).

Revision ID: 0004_totp_step_bigint
Revises: 0003_faults_journal_origins
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_totp_step_bigint"
down_revision = "0003_faults_journal_origins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "factors", "last_totp_step", type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=True
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "factors", "last_totp_step", type_=sa.Integer(), existing_type=sa.BigInteger(), existing_nullable=True
        )
