"""Places (lieux) — structures that are not a person — and temporary closures.

A place is where on-call shifts and permanences happen and where a professional's site may
belong (``practice_site.place_id``): a cabinet, an MSP, a centre de santé, a pharmacy, a mairie's
room… It is located like a site (address geocoded on write, or a given point) and may carry a
FINESS number (9 characters, checked by the schema and by the database's format check).

A closure is a date range (inclusive) when a professional or a place is closed: holidays,
works, sick leave. "Ouvert maintenant" and rota generation skip them.
"""
from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index,
                        Integer, String, Text, func)
from sqlalchemy.orm import Mapped, mapped_column

from ..vocab import GEOCODE_SOURCES, GEOCODE_STATUSES, PLACE_KINDS, PRECISIONS, sql_in
from .base import Base, created_at_column


class Place(Base):
    __tablename__ = "place"
    __table_args__ = (
        CheckConstraint(sql_in("kind", PLACE_KINDS), name="kind"),
        CheckConstraint("finess ~ '^([0-9]{2}|2[AB])[0-9]{7}$'", name="finess_format"),
        CheckConstraint(sql_in("geocode_source", GEOCODE_SOURCES), name="geocode_source"),
        CheckConstraint(sql_in("geocode_status", GEOCODE_STATUSES), name="geocode_status"),
        CheckConstraint(sql_in("precision", PRECISIONS), name="precision"),
        CheckConstraint("(geom IS NULL) = (precision IS NULL)", name="located_has_precision"),
        Index("ix_place_cpts", "cpts_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The CPTS that lists the place (null: known to the service, listed by none yet).
    cpts_id: Mapped[int | None] = mapped_column(ForeignKey("cpts.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    finess: Mapped[str | None] = mapped_column(String(9))
    address: Mapped[str] = mapped_column(String(300), nullable=False)
    postcode: Mapped[str | None] = mapped_column(String(10))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    commune_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(500))
    accessible: Mapped[bool | None] = mapped_column(Boolean)
    #: Public notes (access, floor, entrance).
    notes: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=True)
    geocode_score: Mapped[float | None] = mapped_column(Float)
    geocode_source: Mapped[str | None] = mapped_column(String(16))
    geocode_status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    precision: Mapped[str | None] = mapped_column(String(16))
    #: A CPTS's own stable key for rows of its CSV (re-imports update instead of duplicating).
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now(), nullable=False)


class Closure(Base):
    """A professional or a place closed from ``starts_on`` to ``ends_on`` (both included)."""

    __tablename__ = "closure"
    __table_args__ = (
        CheckConstraint("(professional_id IS NULL) <> (place_id IS NULL)", name="one_owner"),
        CheckConstraint("ends_on >= starts_on", name="range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("place.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at_column()
