"""Revocable sign-in sessions and an atomic, per-(account, IP) sign-in throttle.

A signed cookie alone cannot be revoked: each session is now a row (only its token's hash is
stored), deleted at sign-out, at a password change (the others) and when the account is
deactivated. The throttle replaces counting ``login_attempt`` rows (a check-then-insert race):
one row per (e-mail, IP) pair and per IP, locked while an attempt is judged.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_session",
        sa.Column("id", sa.Integer()),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_signin_session"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE",
                                name="fk_signin_session_account_id_account"),
        sa.UniqueConstraint("token_hash", name="uq_signin_session_token_hash"),
    )
    op.create_index("ix_signin_session_account_id", "signin_session", ["account_id"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(400)),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_allowed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    op.drop_index("ix_signin_session_account_id", table_name="signin_session")
    op.drop_table("signin_session")
