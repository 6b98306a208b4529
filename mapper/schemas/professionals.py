"""The directory: an entry with its sites, zones and slots; the search; the competencies.

The API loads these bodies as they come; the /moi and "new entry" page forms and each row of
the CSV template are turned into the same bodies and loaded here, so an entry is checked in one
place whatever its way in.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from ..models import Competency, PracticeSite, Professional
from ..vocab import COLLEAGUE_NOTE_MAX, MSSANTE_ADDRESS, REFERRAL_PREFERENCES, SLOT_KINDS
from .base import Schema, between, count, length, matches, one_of
from .fields import (Boolean, INSEE_CODE, ClockTime, CsvList, LatLon, Number, column_length,
                     plausible_date, text_problem)

P = Professional.__table__.c
S = PracticeSite.__table__.c

LANGUAGE = r"^[a-zA-Z]{2,3}$"


def _storable(value: str) -> bool:
    problem = text_problem(value)
    if problem:
        raise ValidationError(problem)
    return True


class SiteSchema(Schema):
    name = fields.String(allow_none=True, validate=column_length(S.name))
    address = fields.String(required=True, validate=length(3, S.address.type.length))
    postcode = fields.String(allow_none=True, validate=matches(r"^\d{5}$", "5 chiffres"))
    commune = fields.String(allow_none=True, validate=matches(INSEE_CODE, "code INSEE attendu"),
                            metadata={"description": "Code INSEE (arrondissement à Paris)"})
    lat = Number(allow_none=True, validate=between(-90, 90),
                 metadata={"description": "Avec lon : pas de géocodage"})
    lon = Number(allow_none=True, validate=between(-180, 180))
    phone = fields.String(allow_none=True, validate=column_length(S.phone))
    place_id = fields.Integer(allow_none=True, validate=between(1, 2**31 - 1),
                              metadata={"description": "Le lieu (MSP, centre…) où est ce site"})


class ZoneSchema(Schema):
    communes = fields.List(fields.String(validate=matches(INSEE_CODE, "code INSEE attendu")),
                           validate=count(1, 500))
    radius_km = Number(validate=between(0.01, 100),
                       metadata={"description": "Rayon en km (0,01 à 100)"})
    site = fields.Integer(load_default=None, validate=between(0, 1000),
                          metadata={"description": "Indice du site (rayon)"})
    geometry = fields.Dict(metadata={"description": "Polygone GeoJSON dessiné"})

    @validates_schema
    def _one_kind(self, data, **kwargs):
        kinds = [k for k in ("communes", "radius_km", "geometry") if data.get(k) is not None]
        if len(kinds) != 1:
            raise ValidationError("une zone est communes, radius_km (+ site) ou geometry",
                                  field_name="_schema")


class SlotSchema(Schema):
    weekday = fields.Integer(required=True, validate=between(1, 7),
                             metadata={"description": "1 = lundi … 7 = dimanche"})
    start = ClockTime(required=True, metadata={"description": "HH:MM, heure de Paris"})
    end = ClockTime(required=True, metadata={"description": "HH:MM ; ≤ start : passe minuit"})
    kind = fields.String(required=True, validate=one_of(SLOT_KINDS))
    site = fields.Integer(load_default=None, validate=between(0, 1000))
    valid_from = fields.Date(load_default=None, validate=plausible_date)
    valid_to = fields.Date(load_default=None, validate=plausible_date)


class ProfessionalInSchema(Schema):
    rpps = fields.String(allow_none=True, validate=matches(r"^\d{11}$", "11 chiffres"),
                         metadata={"description": "11 chiffres, unique"})
    external_ref = fields.String(allow_none=True, validate=column_length(P.external_ref))
    civility = fields.String(allow_none=True, validate=column_length(P.civility))
    first_name = fields.String(allow_none=True, validate=column_length(P.first_name))
    last_name = fields.String(validate=length(1, P.last_name.type.length))
    profession = fields.String(validate=length(1, 32),
                               metadata={"description": "Code nomenclature RPPS ou rôle CPTS"})
    specialty = fields.String(allow_none=True, validate=column_length(P.specialty))
    competencies = fields.List(fields.String(validate=length(max=64)), validate=count(max=50))
    accepts_new_patients = Boolean(allow_none=True)
    home_visits = Boolean()
    teleconsultation = Boolean()
    languages = fields.List(fields.String(validate=matches(LANGUAGE, "code de langue ISO 639")),
                            validate=count(max=20))
    accessible = Boolean(allow_none=True)
    phone = fields.String(allow_none=True, validate=column_length(P.phone),
                          metadata={"description": "Téléphone public (cabinet)"})
    private_phone = fields.String(allow_none=True, validate=column_length(P.private_phone),
                                  metadata={"description": "Jamais montré au public"})
    email = fields.Email(allow_none=True, validate=column_length(P.email))
    public_email = Boolean()
    mssante = fields.String(
        allow_none=True, validate=[column_length(P.mssante), matches(
            MSSANTE_ADDRESS, "adresse MSSanté attendue (ex. jean.dupont@medecin.mssante.fr)")],
        metadata={"description": "Messagerie sécurisée de santé ; vue des collègues seulement"})
    referral_preference = fields.String(
        allow_none=True, validate=one_of(REFERRAL_PREFERENCES),
        metadata={"description": "Comment recevoir un adressage : phone, mssante ou letter"})
    takes_referrals = Boolean(
        allow_none=True, metadata={"description": "Reçoit les patients adressés par un confrère"})
    colleague_note = fields.String(
        allow_none=True, validate=[length(max=COLLEAGUE_NOTE_MAX), _storable],
        metadata={"description": "Note aux collègues (280 caractères au plus)"})
    website = fields.Url(allow_none=True, schemes={"http", "https"},
                         validate=column_length(P.website))
    last_verified_at = fields.AwareDateTime(allow_none=True, validate=plausible_date)
    sites = fields.List(fields.Nested(SiteSchema), validate=count(max=20))
    zones = fields.List(fields.Nested(ZoneSchema), validate=count(max=20))
    slots = fields.List(fields.Nested(SlotSchema), validate=count(max=100))
    cpts = fields.List(fields.Raw(), validate=count(max=50),
                       metadata={"description": "Identifiants ou slugs de CPTS"})


class ProfessionalCreateSchema(ProfessionalInSchema):
    last_name = fields.String(required=True, validate=length(1, 200))
    profession = fields.String(required=True, validate=length(1, 32))


class SearchArgsSchema(Schema):
    near = LatLon(metadata={"description": "lat,lon"})
    radius_km = Number(validate=between(0.01, 1000),
                       metadata={"description": "Rayon en km (0,01 à 1 000)"})
    address = fields.String(validate=length(3, 200),
                            metadata={"description": "Adresse géocodée (BAN, mise en cache)"})
    profession = CsvList(fields.String(validate=length(max=32)), load_default=list,
                         validate=count(max=20),
                         metadata={"description": "Répétable : l'une de ces professions"})
    competency = CsvList(fields.String(validate=length(max=64)), load_default=list,
                         validate=count(max=20),
                         metadata={"description": "Répétable : toutes ces compétences"})
    covers = LatLon(metadata={"description": "lat,lon couvert par une zone d'intervention"})
    accepting_new_patients = Boolean()
    takes_referrals = Boolean(metadata={
        "description": "Confrères seulement (jeton requis) : ceux de vos CPTS qui reçoivent les "
                       "patients adressés par un confrère"})
    open_now = Boolean()
    open_at = fields.DateTime(validate=plausible_date,
                              metadata={"description": "ISO 8601 ; sans fuseau : heure de Paris"})
    slot_kind = fields.String(validate=one_of(SLOT_KINDS))
    language = fields.String(validate=matches(LANGUAGE, "code de langue ISO 639"))
    accessible = Boolean()
    home_visits = Boolean()
    teleconsultation = Boolean()
    cpts = fields.String(validate=length(max=200), metadata={"description": "id ou slug"})
    limit = fields.Integer(load_default=20, validate=between(1, 200))
    format = fields.String(load_default="json", validate=one_of(("json", "geojson")))


class CompetencyInSchema(Schema):
    slug = fields.String(required=True, validate=[
        matches(r"^[a-z0-9]+(-[a-z0-9]+)*$", "minuscules, chiffres et tirets (ex. soins-palliatifs)"),
        column_length(Competency.__table__.c.slug)])
    label = fields.String(required=True,
                          validate=length(2, Competency.__table__.c.label.type.length))
    description = fields.String(allow_none=True, validate=length(max=2000))


__all__ = ["CompetencyInSchema", "ProfessionalCreateSchema", "ProfessionalInSchema",
           "SearchArgsSchema", "SiteSchema", "SlotSchema", "ZoneSchema"]
