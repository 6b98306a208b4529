"""The reference layer: communes and municipal arrondissements (COG codes)."""
from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (CheckConstraint, Computed, DateTime, Float, ForeignKey, Index, Integer,
                        String, Text)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

#: Whole-city codes that CPTS never use: their arrondissements do.
CITY_ARRONDISSEMENTS = {
    "75056": [f"751{n:02d}" for n in range(1, 21)],
    "69123": [f"6938{n}" for n in range(1, 10)],
    "13055": [f"132{n:02d}" for n in range(1, 17)],
}


class Commune(Base):
    __tablename__ = "commune"
    __table_args__ = (
        CheckConstraint("kind IN ('commune', 'arrondissement')", name="kind"),
        Index("ix_commune_departement", "departement"),
        Index("ix_commune_region", "region"),
    )

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: ``place_key(name)`` (migration 0006): where typed place names meet (services.places).
    name_key: Mapped[str | None] = mapped_column(Text, Computed("place_key(name)",
                                                                persisted=True))
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="commune")
    parent_code: Mapped[str | None] = mapped_column(String(5))
    departement: Mapped[str | None] = mapped_column(String(3))
    region: Mapped[str | None] = mapped_column(String(3))
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    #: Computed once on the ellipsoid (geography) at import, in km².
    area_km2: Mapped[float | None] = mapped_column(Float)
    geom = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=True
    )
    #: ``ST_PointOnSurface(geom)`` (migration 0016b): where the 2SFCA index places the
    #: commune's population (services.territories.diagnostic_access).
    pop_point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False),
                              Computed("ST_PointOnSurface(geom)", persisted=True))


class CommunePopulationAge(Base):
    """INSEE's population by age group of a commune (« base-cc-evol-struct-pop »), imported by
    ``mapper import population-age``. Populations are fractional (INSEE weights its sample)."""

    __tablename__ = "commune_population_age"
    __table_args__ = tuple(CheckConstraint(f"{c} >= 0", name=c) for c in (
        "pop_0014", "pop_1529", "pop_3044", "pop_4559", "pop_6074", "pop_75p"))

    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code", ondelete="CASCADE"),
                                              primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    pop_0014: Mapped[float] = mapped_column(Float, nullable=False)
    pop_1529: Mapped[float] = mapped_column(Float, nullable=False)
    pop_3044: Mapped[float] = mapped_column(Float, nullable=False)
    pop_4559: Mapped[float] = mapped_column(Float, nullable=False)
    pop_6074: Mapped[float] = mapped_column(Float, nullable=False)
    pop_75p: Mapped[float] = mapped_column(Float, nullable=False)


class CommuneAccessibility(Base):
    """The 2SFCA index of a commune for a profession, as the last ``mapper diagnostic
    --national --store`` computed it (services.territories.diagnostic_access reads it while
    fresh)."""

    __tablename__ = "commune_accessibility"

    profession_code: Mapped[str] = mapped_column(
        ForeignKey("profession.code", ondelete="CASCADE"), primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code", ondelete="CASCADE"),
                                              primary_key=True)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Postcode(Base):
    """La Poste's « Base officielle des codes postaux »: one row per (postcode, commune); Paris,
    Lyon and Marseille by arrondissement. No foreign key: the file may name communes the
    commune layer does not hold (yet)."""

    __tablename__ = "postcode"
    __table_args__ = (CheckConstraint("code ~ '^[0-9]{5}$'", name="code"),
                      Index("ix_postcode_commune_code", "commune_code"))

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    #: La Poste's spelling (capitals, no accents: « ST JEANNET »).
    commune_name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Libellé d'acheminement.
    label: Mapped[str | None] = mapped_column(String(200))
