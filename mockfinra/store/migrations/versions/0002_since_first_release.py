"""What changed between the first release (03225e6) and migrations: the Identity Engine interactions, the
NTF windows, order requests, sign-in events, flashes, and the refresh-token prefix.

Before migrations existed, `create_all` made missing tables and an ad-hoc step added nullable columns, so a
database without a version may already hold some of these: each is made only when missing.

Revision ID: 0002_since_first_release
Revises: 0001_first_release
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_since_first_release"
down_revision = "0001_first_release"
branch_labels = None
depends_on = None


def _has_table(name: str) -> bool:
    return name in sa.inspect(op.get_bind()).get_table_names()


def _has_column(table: str, column: str) -> bool:
    return column in {info["name"] for info in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    if not _has_table("idx_interactions"):
        op.create_table(
            "idx_interactions",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("handle_digest", sa.String(length=64), nullable=False),
            sa.Column("client_id", sa.String(length=64), nullable=False),
            sa.Column("redirect_uri", sa.Text(), nullable=False),
            sa.Column("scopes", sa.JSON(), nullable=False),
            sa.Column("code_challenge", sa.String(length=128), nullable=False),
            sa.Column("state", sa.Text(), nullable=True),
            sa.Column("nonce", sa.Text(), nullable=True),
            sa.Column("activation_token", sa.Text(), nullable=True),
            sa.Column("recovery_token", sa.Text(), nullable=True),
            sa.Column("transaction_id", sa.String(length=32), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_idx_interactions")),
        )
        with op.batch_alter_table("idx_interactions", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_idx_interactions_handle_digest"), ["handle_digest"], unique=True)
            batch_op.create_index(batch_op.f("ix_idx_interactions_transaction_id"), ["transaction_id"], unique=False)
    if not _has_table("ntf_windows"):
        op.create_table(
            "ntf_windows",
            sa.Column("key", sa.String(length=160), nullable=False),
            sa.Column("scope", sa.String(length=8), nullable=False),
            sa.Column("name", sa.String(length=255), nullable=False),
            sa.Column("notified_by", sa.String(length=255), nullable=False),
            sa.Column("started_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("key", name=op.f("pk_ntf_windows")),
        )
    if not _has_table("order_requests"):
        op.create_table(
            "order_requests",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("user_id", sa.String(length=32), nullable=True),
            sa.Column("login", sa.String(length=255), nullable=False),
            sa.Column("first_name", sa.String(length=100), nullable=False),
            sa.Column("last_name", sa.String(length=100), nullable=False),
            sa.Column("firm", sa.String(length=100), nullable=False),
            sa.Column("entitlements", sa.JSON(), nullable=False),
            sa.Column("access", sa.JSON(), nullable=False),
            sa.Column("requested_by", sa.String(length=255), nullable=False),
            sa.Column("owner_key", sa.String(length=160), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("invitations_sent", sa.Integer(), nullable=False),
            sa.Column("last_invited_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=op.f("fk_order_requests_user_id_users"), ondelete="SET NULL"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_order_requests")),
        )
        with op.batch_alter_table("order_requests", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_order_requests_owner_key"), ["owner_key"], unique=False)
            batch_op.create_index(batch_op.f("ix_order_requests_user_id"), ["user_id"], unique=False)
    if not _has_table("signin_events"):
        op.create_table(
            "signin_events",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.String(length=32), nullable=True),
            sa.Column("login", sa.String(length=255), nullable=False),
            sa.Column("display_name", sa.String(length=200), nullable=False),
            sa.Column("event_type", sa.String(length=64), nullable=False),
            sa.Column("result", sa.String(length=16), nullable=False),
            sa.Column("reason", sa.Text(), nullable=True),
            sa.Column("methods", sa.JSON(), nullable=False),
            sa.Column("protocol", sa.String(length=16), nullable=False),
            sa.Column("ip", sa.String(length=64), nullable=True),
            sa.Column("user_agent", sa.Text(), nullable=True),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=op.f("fk_signin_events_user_id_users"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_events")),
        )
        with op.batch_alter_table("signin_events", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_signin_events_at"), ["at"], unique=False)
            batch_op.create_index(batch_op.f("ix_signin_events_seq"), ["seq"], unique=False)
            batch_op.create_index(batch_op.f("ix_signin_events_user_id"), ["user_id"], unique=False)
    if not _has_table("flashes"):
        op.create_table(
            "flashes",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("session_id", sa.String(length=40), nullable=False),
            sa.Column("kind", sa.String(length=32), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["session_id"], ["sessions.id"], name=op.f("fk_flashes_session_id_sessions"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_flashes")),
        )
        with op.batch_alter_table("flashes", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_flashes_session_id"), ["session_id"], unique=False)
    if not _has_column("oauth_refresh_tokens", "prefix"):
        with op.batch_alter_table("oauth_refresh_tokens", schema=None) as batch_op:
            batch_op.add_column(sa.Column("prefix", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_refresh_tokens", schema=None) as batch_op:
        batch_op.drop_column("prefix")
    for table in ("flashes", "signin_events", "order_requests", "ntf_windows", "idx_interactions"):
        op.drop_table(table)
