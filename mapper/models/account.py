"""Accounts (people and programs) and their API tokens. Only token hashes are stored."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (ARRAY, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocab import ROLES, sql_in
from .base import Base, created_at_column


class Account(Base):
    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint(sql_in("role", ROLES), name="role"),
        CheckConstraint("role <> 'ars' OR cardinality(regions) > 0", name="ars_has_region"),
        CheckConstraint("role <> 'coordinator' OR cpts_id IS NOT NULL", name="coordinator_has_cpts"),
        CheckConstraint(
            "role <> 'professional' OR professional_id IS NOT NULL", name="professional_has_entry"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    regions: Mapped[list[str]] = mapped_column(ARRAY(String(3)), nullable=False, default=list)
    cpts_id: Mapped[int | None] = mapped_column(ForeignKey("cpts.id"))
    professional_id: Mapped[int | None] = mapped_column(Integer)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = created_at_column()

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="account")


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: sha256 of the token: tokens are 256-bit random, so a fast hash is enough.
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    account: Mapped[Account] = relationship(back_populates="tokens")
