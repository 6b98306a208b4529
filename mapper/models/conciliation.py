"""The conciliation of an overlap between two CPTS projects: one row per unordered pair.

``cpts_a`` < ``cpts_b`` (the pair's key); ``state`` is one of ``vocab.CONCILIATION_STATES``:
``a_concilier`` when the overlap is detected, ``en_conciliation`` (with a note) set by the ARS,
``resolue_arbitrage`` once an arbitration lets them share every commune they have in common,
``resolue_territoire`` once their territories no longer overlap (services/territories/
conciliation.py keeps it).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ..vocab import CONCILIATION_STATES, sql_in
from .base import Base


class OverlapConciliation(Base):
    __tablename__ = "overlap_conciliation"
    __table_args__ = (
        CheckConstraint("cpts_a < cpts_b", name="ordered_pair"),
        CheckConstraint(sql_in("state", CONCILIATION_STATES), name="state"),
        Index("ix_overlap_conciliation_cpts_b", "cpts_b"),
    )

    cpts_a: Mapped[int] = mapped_column(ForeignKey("cpts.id", ondelete="CASCADE"),
                                        primary_key=True)
    cpts_b: Mapped[int] = mapped_column(ForeignKey("cpts.id", ondelete="CASCADE"),
                                        primary_key=True)
    state: Mapped[str] = mapped_column(String(24), nullable=False, default="a_concilier")
    note: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(400))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
