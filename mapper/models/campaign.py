"""Campaigns (« Vaccination antigrippale 2026-2027 ») and their dated public permanences.

A permanence is wall-clock Europe/Paris like a shift (``on_date``, times, and the UTC instants
computed on write), at a place or at a professional's site. ``sequence`` counts its changes
(iCalendar ``SEQUENCE``), so subscribed calendars replace an event that moved; its ``UID`` is
derived from its id and the service's host, stable for its life.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        SmallInteger, String, Text, Time, UniqueConstraint, func)
from sqlalchemy.orm import Mapped, mapped_column

from ..vocab import APPOINTMENT_MODES, CAMPAIGN_KINDS, sql_in
from .base import Base, created_at_column


class Campaign(Base):
    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint(sql_in("kind", CAMPAIGN_KINDS), name="kind"),
        CheckConstraint("ends_on >= starts_on", name="period"),
        UniqueConstraint("cpts_id", "slug"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cpts_id: Mapped[int] = mapped_column(ForeignKey("cpts.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    slug: Mapped[str] = mapped_column(String(120), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now(), nullable=False)


class Permanence(Base):
    __tablename__ = "permanence"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ordered"),
        CheckConstraint("(site_id IS NULL) <> (place_id IS NULL)", name="one_location"),
        CheckConstraint(sql_in("appointment", APPOINTMENT_MODES), name="appointment"),
        CheckConstraint("capacity IS NULL OR capacity BETWEEN 1 AND 10000", name="capacity"),
        Index("ix_permanence_campaign_starts", "campaign_id", "starts_at"),
        Index("ix_permanence_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             nullable=False)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="RESTRICT"))
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_site.id", ondelete="RESTRICT"))
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    appointment: Mapped[str] = mapped_column(String(16), nullable=False, default="sans_rdv")
    #: Public notes (bring your carte Vitale, floor…).
    notes: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int | None] = mapped_column(SmallInteger)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now(), nullable=False)
