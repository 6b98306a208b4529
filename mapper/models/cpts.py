"""CPTS and their territories, ARS arbitrations, and the validated-membership guard.

A territory is either a list of communes (``cpts_commune``; the geometry is their union) or a drawn
MultiPolygon. Commune membership is kept as rows: set-based overlap is much faster than geometric
overlap and lets the database itself enforce "two validated CPTS never share a commune".

That guarantee lives in ``cpts_validated_commune``: one row per (validated CPTS, commune), with an
exclusion constraint that allows several rows for one commune only when they all carry the same
``share_key`` — ``'arbitrated'`` for the CPTS an ARS arbitration lists for that commune,
``'cpts:<id>'`` otherwise. Exclusion constraints are checked across concurrent transactions like
unique indexes, so two overlapping projects validated at the same moment cannot both commit.
Drawn territories have no membership rows; their validations are serialised by an advisory lock
(see services/cpts.py).
"""
from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (ARRAY, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer,
                        SmallInteger, String, Text, func, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocab import CPTS_STATUSES, SIZE_CATEGORIES, TERRITORY_KINDS, sql_in
from .base import Base, created_at_column

#: share_key of a validated membership covered by an ARS arbitration.
ARBITRATED_KEY = "arbitrated"


class Cpts(Base):
    __tablename__ = "cpts"
    __table_args__ = (
        CheckConstraint(sql_in("status", CPTS_STATUSES), name="status"),
        CheckConstraint(sql_in("territory_kind", TERRITORY_KINDS), name="territory_kind"),
        CheckConstraint(f"size_category BETWEEN {SIZE_CATEGORIES[0]} AND {SIZE_CATEGORIES[-1]}",
                        name="size_category"),
        CheckConstraint("brand_color ~ '^#[0-9a-f]{6}$'", name="brand_color_format"),
        Index("uq_cpts_name_ci", text("unaccent_lower(name)"), unique=True),
        Index("ix_cpts_region", "region"),
        Index("ix_cpts_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="projet")
    region: Mapped[str | None] = mapped_column(String(3))
    website: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    #: Origins allowed to frame this CPTS's widget (frame-ancestors), e.g. "https://cpts-x.fr".
    embed_origins: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, default=list, server_default="{}"
    )
    #: The widget's colour, ``#rrggbb`` (None: the default); its text colour is derived.
    brand_color: Mapped[str | None] = mapped_column(String(7))
    territory_kind: Mapped[str] = mapped_column(String(16), nullable=False, default="communes")
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=True)
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    #: Measured on the ellipsoid (geography), in km².
    area_km2: Mapped[float | None] = mapped_column(Float)
    size_category: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    communes: Mapped[list["CptsCommune"]] = relationship(
        back_populates="cpts", cascade="all, delete-orphan", passive_deletes=True
    )


class CptsCommune(Base):
    """The commune list of a commune-based territory (Paris/Lyon/Marseille by arrondissement)."""

    __tablename__ = "cpts_commune"
    __table_args__ = (Index("ix_cpts_commune_commune_code", "commune_code"),)

    cpts_id: Mapped[int] = mapped_column(
        ForeignKey("cpts.id", ondelete="CASCADE"), primary_key=True
    )
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), primary_key=True)

    cpts: Mapped[Cpts] = relationship(back_populates="communes")


class CptsPart(Base):
    """A drawn territory cut into small pieces (ST_Subdivide): fast geometric overlap.
    Rebuilt whenever the territory changes; commune-based territories have none."""

    __tablename__ = "cpts_part"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cpts_id: Mapped[int] = mapped_column(
        ForeignKey("cpts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    geom = mapped_column(Geometry("POLYGON", srid=4326, spatial_index=True), nullable=False)


class CptsDrawnCommune(Base):
    """The communes a drawn territory cuts: km² inside (geography) and share of the commune's
    area. Written with the territory; makes coverage and commune-vs-drawn overlap set-based."""

    __tablename__ = "cpts_drawn_commune"
    __table_args__ = (Index("ix_cpts_drawn_commune_commune_code", "commune_code"),)

    cpts_id: Mapped[int] = mapped_column(
        ForeignKey("cpts.id", ondelete="CASCADE"), primary_key=True
    )
    commune_code: Mapped[str] = mapped_column(
        ForeignKey("commune.code", ondelete="CASCADE"), primary_key=True
    )
    inside_km2: Mapped[float] = mapped_column(Float, nullable=False)
    share: Mapped[float] = mapped_column(Float, nullable=False)


class Arbitration(Base):
    """An ARS decision that a commune is shared by several CPTS (e.g. "partage par quartiers")."""

    __tablename__ = "arbitration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_code: Mapped[str] = mapped_column(
        ForeignKey("commune.code"), nullable=False, unique=True
    )
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by: Mapped[str] = mapped_column(String(400), nullable=False)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    members: Mapped[list["ArbitrationCpts"]] = relationship(
        back_populates="arbitration", cascade="all, delete-orphan", passive_deletes=True
    )


class ArbitrationCpts(Base):
    __tablename__ = "arbitration_cpts"

    arbitration_id: Mapped[int] = mapped_column(
        ForeignKey("arbitration.id", ondelete="CASCADE"), primary_key=True
    )
    cpts_id: Mapped[int] = mapped_column(
        ForeignKey("cpts.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    arbitration: Mapped[Arbitration] = relationship(back_populates="members")


class CptsValidatedCommune(Base):
    """Memberships of validated commune-based CPTS; the exclusion constraint (created in the
    migration) forbids two validated CPTS on one commune unless an arbitration lists both."""

    __tablename__ = "cpts_validated_commune"
    __table_args__ = (Index("ix_cpts_validated_commune_commune_code", "commune_code"),)

    cpts_id: Mapped[int] = mapped_column(
        ForeignKey("cpts.id", ondelete="CASCADE"), primary_key=True
    )
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), primary_key=True)
    share_key: Mapped[str] = mapped_column(String(32), nullable=False)
