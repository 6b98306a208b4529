"""IRIS: INSEE's sub-commune units (« Îlots Regroupés pour l'Information Statistique »).

A large commune is cut into IRIS of about 2 000 inhabitants; a small one is a single IRIS
(``TYP_IRIS`` Z). Contours come from IGN's CONTOURS-IRIS, populations from INSEE's
« base-ic-evol-struct-pop ». A commune-based CPTS territory may take IRIS codes for a commune
split between CPTS (``cpts_iris``): the commune is then not in ``cpts_commune`` for that CPTS,
and its overlaps, population and coverage are computed on the IRIS it holds.
"""
from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

#: TYP_IRIS: habitat, activité, divers, commune non découpée.
IRIS_KINDS = ("H", "A", "D", "Z")


class Iris(Base):
    __tablename__ = "iris"
    __table_args__ = (
        CheckConstraint(r"code ~ '^(\d{5}|2[AB]\d{3})\d{4}$'", name="code"),
        CheckConstraint("kind IN ('H', 'A', 'D', 'Z')", name="kind"),
        CheckConstraint("left(code, 5) = commune_code", name="code_in_commune"),
        Index("ix_iris_commune_code", "commune_code"),
    )

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), nullable=False)
    kind: Mapped[str] = mapped_column(String(1), nullable=False)
    population: Mapped[float | None] = mapped_column(Float)
    population_year: Mapped[int | None] = mapped_column(Integer)
    #: Measured on the ellipsoid (geography) at import, in km².
    area_km2: Mapped[float | None] = mapped_column(Float)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=True)


class CptsIris(Base):
    """The IRIS a commune-based territory holds in a commune split between CPTS."""

    __tablename__ = "cpts_iris"
    __table_args__ = (Index("ix_cpts_iris_iris_code", "iris_code"),
                      Index("ix_cpts_iris_commune_code", "commune_code"))

    cpts_id: Mapped[int] = mapped_column(
        ForeignKey("cpts.id", ondelete="CASCADE"), primary_key=True
    )
    iris_code: Mapped[str] = mapped_column(ForeignKey("iris.code"), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(5), nullable=False)
