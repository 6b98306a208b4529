"""The on-call rota of a CPTS: dated shifts with free places, and the places reserved.

A shift is wall-clock Europe/Paris (``on_date``, ``start_time``, ``end_time``; an end at or
before the start runs past midnight) and carries its UTC instants ``starts_at``/``ends_at``,
computed with ``zoneinfo`` by the service that writes it, so "now and later today" is an index
range scan and DST is settled once, on write. One professional never holds two overlapping
shifts: an exclusion constraint (btree_gist) on ``(professional_id, tstzrange)``.

``free_places`` never goes below zero (check constraint); a reservation takes one place in one
``UPDATE … WHERE free_places > 0 RETURNING`` and records who took it in ``shift_reservation``.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, SmallInteger,
                        String, Text, Time, func, text)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column


class Shift(Base):
    __tablename__ = "shift"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ordered"),
        CheckConstraint("free_places >= 0", name="free_places_not_negative"),
        CheckConstraint("free_places <= 500", name="free_places_bounded"),
        CheckConstraint("site_id IS NULL OR place_id IS NULL", name="one_location"),
        ExcludeConstraint(("professional_id", "="),
                          (text("tstzrange(starts_at, ends_at)"), "&&"),
                          name="ex_shift_no_overlap", using="gist"),
        Index("ix_shift_cpts_starts", "cpts_id", "starts_at"),
        #: "now and later today" of a CPTS: a range overlap (migration 0011).
        Index("ix_shift_cpts_during", "cpts_id", text("tstzrange(starts_at, ends_at)"),
              postgresql_using="gist"),
        Index("ix_shift_professional_starts", "professional_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cpts_id: Mapped[int] = mapped_column(ForeignKey("cpts.id", ondelete="CASCADE"),
                                         nullable=False)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), nullable=False)
    #: Where: one of the holder's sites, or a place (neither: the holder's first located site).
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_site.id", ondelete="SET NULL"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="SET NULL"))
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    free_places: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    note: Mapped[str | None] = mapped_column(String(500))
    #: Who last changed the free places (actor string, as in the audit) and when.
    updated_by: Mapped[str | None] = mapped_column(String(400))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now(), nullable=False)
    created_at: Mapped[datetime] = created_at_column()


class ShiftReservation(Base):
    """One place of a shift taken by a pharmacist (or anyone allowed) for a patient."""

    __tablename__ = "shift_reservation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"),
                                          nullable=False, index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    #: The reserving professional's entry when the account is a professional's.
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professional.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(400), nullable=False)
    #: A short note for the holder (never a patient's name: the form says so).
    note: Mapped[str | None] = mapped_column(Text)
    reserved_at: Mapped[datetime] = created_at_column()
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
