"""Fault injection (`faults`), the request journal (`journal`), runtime trusted origins (`trusted_origins`)
and the HTML part of captured emails (`messages.html`).

Revision ID: 0003_faults_journal_origins
Revises: 0002_since_first_release
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_faults_journal_origins"
down_revision = "0002_since_first_release"
branch_labels = None
depends_on = None


def _has_table(name: str) -> bool:
    return name in sa.inspect(op.get_bind()).get_table_names()


def _has_column(table: str, column: str) -> bool:
    return column in {info["name"] for info in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    if not _has_table("faults"):
        op.create_table(
            "faults",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("spec", sa.JSON(), nullable=False),
            sa.Column("origin", sa.String(length=16), nullable=False),
            sa.Column("preset", sa.String(length=40), nullable=True),
            sa.Column("matched", sa.Integer(), nullable=False),
            sa.Column("fired", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_faults")),
        )
        with op.batch_alter_table("faults", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_faults_seq"), ["seq"], unique=False)
    if not _has_table("journal"):
        op.create_table(
            "journal",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("site", sa.String(length=16), nullable=False),
            sa.Column("method", sa.String(length=16), nullable=False),
            sa.Column("path", sa.Text(), nullable=False),
            sa.Column("query", sa.Text(), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("status", sa.Integer(), nullable=False),
            sa.Column("latency_ms", sa.Float(), nullable=False),
            sa.Column("user", sa.String(length=255), nullable=True),
            sa.Column("fault", sa.String(length=40), nullable=True),
            sa.Column("request", sa.JSON(), nullable=False),
            sa.Column("response", sa.JSON(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_journal")),
            sqlite_autoincrement=True,
        )
        with op.batch_alter_table("journal", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_journal_at"), ["at"], unique=False)
            batch_op.create_index(batch_op.f("ix_journal_site"), ["site"], unique=False)
            batch_op.create_index(batch_op.f("ix_journal_status"), ["status"], unique=False)
    if not _has_table("trusted_origins"):
        op.create_table(
            "trusted_origins",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("name", sa.String(length=255), nullable=False),
            sa.Column("origin", sa.String(length=255), nullable=False),
            sa.Column("scopes", sa.JSON(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("last_updated", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_origins")),
            sa.UniqueConstraint("origin", name=op.f("uq_trusted_origins_origin")),
        )
    if not _has_column("messages", "html"):
        with op.batch_alter_table("messages", schema=None) as batch_op:
            batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("html")
    op.drop_table("trusted_origins")
    op.drop_table("journal")
    op.drop_table("faults")
