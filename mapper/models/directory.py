"""The directory of professionals: who, where they practise, where they visit, when they open.

``practice_site.profession_code`` copies the professional's profession (database triggers keep
it in step) so that one GiST index on ``(profession_code, geom::geography)`` answers "the nearest
nurses" without walking other professions. Slots are wall-clock times in Europe/Paris; an end at
or before the start runs past midnight into the next day.
"""
from __future__ import annotations

from datetime import date, datetime, time

from geoalchemy2 import Geometry
from sqlalchemy import (ARRAY, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey,
                        Index, Integer, SmallInteger, String, Text, Time, UniqueConstraint, func,
                        text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocab import (ENTRY_SOURCES, GEOCODE_SOURCES, GEOCODE_STATUSES, PRECISIONS,
                     PROFESSION_KINDS, REFERRAL_PREFERENCES, SLOT_KINDS, ZONE_KINDS, sql_in)
from .base import Base, created_at_column


def _updated_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class Profession(Base):
    """RPPS nomenclature codes ("10" médecin, "60" infirmier…) and CPTS roles ("psychologue")."""

    __tablename__ = "profession"
    __table_args__ = (CheckConstraint(sql_in("kind", PROFESSION_KINDS), name="kind"),)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, default="rpps")


class Competency(Base):
    """The vocabulary a CPTS curates (plaies-cicatrisation, soins-palliatifs…)."""

    __tablename__ = "competency"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()


class Professional(Base):
    __tablename__ = "professional"
    __table_args__ = (
        CheckConstraint("rpps ~ '^[0-9]{11}$'", name="rpps_format"),
        CheckConstraint("adeli ~ '^[0-9A-Z]{9}$'", name="adeli_format"),
        CheckConstraint(sql_in("source", ENTRY_SOURCES), name="source"),
        CheckConstraint(sql_in("referral_preference", REFERRAL_PREFERENCES),
                        name="referral_preference"),
        CheckConstraint("mssante ~* '@([a-z0-9-]+\\.)*mssante\\.fr$'", name="mssante_domain"),
        # French order (migration 0017a): the name listing of a search without a place.
        Index("ix_professional_name_fr", text("last_name COLLATE mapper_fr"),
              text("first_name COLLATE mapper_fr"), "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: 11 digits; unique when present (professionals outside the RPPS have none).
    rpps: Mapped[str | None] = mapped_column(String(11), unique=True)
    #: ADELI number (identifier type 0 of the extraction) for those not yet in the RPPS.
    adeli: Mapped[str | None] = mapped_column(String(9), unique=True)
    #: A CPTS's own stable key for rows of its CSV (re-imports update instead of duplicating).
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    civility: Mapped[str | None] = mapped_column(String(16))
    first_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    last_name: Mapped[str] = mapped_column(String(200), nullable=False)
    profession_code: Mapped[str] = mapped_column(ForeignKey("profession.code"), nullable=False)
    specialty_code: Mapped[str | None] = mapped_column(String(16))
    specialty: Mapped[str | None] = mapped_column(String(300))
    accepts_new_patients: Mapped[bool | None] = mapped_column(Boolean)
    home_visits: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    teleconsultation: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(3)), nullable=False, default=list)
    accessible: Mapped[bool | None] = mapped_column(Boolean)
    #: Public (practice) phone; ``private_phone`` is for the CPTS only, never shown anonymously.
    phone: Mapped[str | None] = mapped_column(String(40))
    private_phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(320))
    #: Professional-only fields (issue 17; who sees them: services.directory.colleague_access):
    #: the secure messaging (MSSanté) address, how referrals are preferred, whether patients
    #: referred by a colleague are taken, and a short note to colleagues.
    mssante: Mapped[str | None] = mapped_column(String(320))
    referral_preference: Mapped[str | None] = mapped_column(String(8))
    takes_referrals: Mapped[bool | None] = mapped_column(Boolean)
    colleague_note: Mapped[str | None] = mapped_column(String(280))
    public_email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    website: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="api")
    last_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = _updated_at()

    sites: Mapped[list["PracticeSite"]] = relationship(
        back_populates="professional", cascade="all, delete-orphan", passive_deletes=True,
        order_by="PracticeSite.id",
    )


class PracticeSite(Base):
    __tablename__ = "practice_site"
    __table_args__ = (
        UniqueConstraint("professional_id", "address_key"),
        CheckConstraint(sql_in("geocode_source", GEOCODE_SOURCES), name="geocode_source"),
        CheckConstraint(sql_in("geocode_status", GEOCODE_STATUSES), name="geocode_status"),
        CheckConstraint(sql_in("precision", PRECISIONS), name="precision"),
        CheckConstraint("(geom IS NULL) = (precision IS NULL)", name="located_has_precision"),
        CheckConstraint(sql_in("source", ENTRY_SOURCES), name="source"),
        #: Practitioner?address-postalcode= of the FHIR API (migration 0015f).
        Index("ix_practice_site_postcode", "postcode", "professional_id"),
        #: A territory's supply by profession (the diagnostic, migration 0016b).
        Index("ix_practice_site_commune_profession", "commune_code", "profession_code",
              "professional_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), nullable=False
    )
    #: Filled by a trigger from the professional (see the module docstring).
    profession_code: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300), nullable=False)
    postcode: Mapped[str | None] = mapped_column(String(10))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    commune_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: The structure the site belongs to (an MSP, a centre de santé…), if any.
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="SET NULL"),
                                                 index=True)
    #: normalise_address(address, postcode, commune): one site per distinct address, cache key.
    address_key: Mapped[str] = mapped_column(String(700), nullable=False)
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=True)
    geocode_score: Mapped[float | None] = mapped_column(Float)
    geocode_source: Mapped[str | None] = mapped_column(String(16))
    geocode_status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    precision: Mapped[str | None] = mapped_column(String(16))
    geocoded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="api")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = _updated_at()

    professional: Mapped[Professional] = relationship(back_populates="sites")


class InterventionZone(Base):
    """Where a professional makes home visits: communes, a radius around a site, or drawn."""

    __tablename__ = "intervention_zone"
    __table_args__ = (
        CheckConstraint(sql_in("kind", ZONE_KINDS), name="kind"),
        CheckConstraint("kind <> 'communes' OR cardinality(communes) > 0", name="communes_listed"),
        CheckConstraint("kind <> 'radius' OR radius_km > 0", name="radius_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    communes: Mapped[list[str] | None] = mapped_column(ARRAY(String(5)))
    radius_km: Mapped[float | None] = mapped_column(Float)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("practice_site.id", ondelete="SET NULL"))
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False)
    created_at: Mapped[datetime] = created_at_column()


class ProfessionalCompetency(Base):
    __tablename__ = "professional_competency"

    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competency.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Slot(Base):
    """A weekly opening, wall-clock Europe/Paris; ISO weekday (1 = Monday)."""

    __tablename__ = "slot"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="weekday"),
        CheckConstraint(sql_in("kind", SLOT_KINDS), name="kind"),
        CheckConstraint("start_time <> end_time", name="not_empty"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
                        name="validity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), nullable=False, index=True
    )
    site_id: Mapped[int | None] = mapped_column(ForeignKey("practice_site.id", ondelete="SET NULL"))
    weekday: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class CptsMember(Base):
    __tablename__ = "cpts_member"

    cpts_id: Mapped[int] = mapped_column(ForeignKey("cpts.id", ondelete="CASCADE"), primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = created_at_column()


class GeocodeCache(Base):
    """BAN answers by normalised address (``normalise_address``); 'not_found' is cached too."""

    __tablename__ = "geocode_cache"
    __table_args__ = (CheckConstraint("status IN ('ok', 'not_found')", name="status"),)

    key: Mapped[str] = mapped_column(String(700), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(400))
    citycode: Mapped[str | None] = mapped_column(String(5))
    postcode: Mapped[str | None] = mapped_column(String(10))
    result_type: Mapped[str | None] = mapped_column(String(32))
    fetched_at: Mapped[datetime] = created_at_column()


class AddressSuggestionCache(Base):
    """The BAN's autocomplete answers (a JSON list) by normalised typed text and type filter."""

    __tablename__ = "address_suggestion_cache"

    key: Mapped[str] = mapped_column(String(260), primary_key=True)
    max_results: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    suggestions: Mapped[list] = mapped_column(JSONB, nullable=False)
    fetched_at: Mapped[datetime] = created_at_column()
