"""The directory: an entry with its sites, zones and slots; the search; the competencies.

The API loads these bodies as they come; the /moi and "new entry" page forms and each row of
the CSV template are turned into the same bodies and loaded here, so an entry is checked in one
place whatever its way in.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from ..vocab import SLOT_KINDS
from .base import Schema, between, length, matches, one_of
from .fields import INSEE_CODE, ClockTime, CsvList, LatLon

LANGUAGE = r"^[a-zA-Z]{2,3}$"


class SiteSchema(Schema):
    name = fields.String(allow_none=True, validate=length(max=300))
    address = fields.String(required=True, validate=length(3, 300))
    postcode = fields.String(allow_none=True, validate=matches(r"^\d{5}$", "5 chiffres"))
    commune = fields.String(allow_none=True, validate=matches(INSEE_CODE, "code INSEE attendu"),
                            metadata={"description": "Code INSEE (arrondissement à Paris)"})
    lat = fields.Float(allow_none=True, validate=between(-90, 90),
                       metadata={"description": "Avec lon : pas de géocodage"})
    lon = fields.Float(allow_none=True, validate=between(-180, 180))
    phone = fields.String(allow_none=True, validate=length(max=40))


class ZoneSchema(Schema):
    communes = fields.List(fields.String(validate=matches(INSEE_CODE, "code INSEE attendu")))
    radius_km = fields.Float(validate=between(0, 100, min_inclusive=False))
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
    valid_from = fields.Date(load_default=None)
    valid_to = fields.Date(load_default=None)


class ProfessionalInSchema(Schema):
    rpps = fields.String(allow_none=True, validate=matches(r"^\d{11}$", "11 chiffres"),
                         metadata={"description": "11 chiffres, unique"})
    external_ref = fields.String(allow_none=True, validate=length(max=100))
    civility = fields.String(allow_none=True, validate=length(max=16))
    first_name = fields.String(allow_none=True, validate=length(max=200))
    last_name = fields.String(validate=length(1, 200))
    profession = fields.String(validate=length(1, 32),
                               metadata={"description": "Code nomenclature RPPS ou rôle CPTS"})
    specialty = fields.String(allow_none=True, validate=length(max=300))
    competencies = fields.List(fields.String(validate=length(max=64)))
    accepts_new_patients = fields.Boolean(allow_none=True)
    home_visits = fields.Boolean()
    teleconsultation = fields.Boolean()
    languages = fields.List(fields.String(validate=matches(LANGUAGE, "code de langue ISO 639")))
    accessible = fields.Boolean(allow_none=True)
    phone = fields.String(allow_none=True, validate=length(max=40),
                          metadata={"description": "Téléphone public (cabinet)"})
    private_phone = fields.String(allow_none=True, validate=length(max=40),
                                  metadata={"description": "Jamais montré au public"})
    email = fields.Email(allow_none=True)
    public_email = fields.Boolean()
    website = fields.Url(allow_none=True, schemes={"http", "https"})
    last_verified_at = fields.AwareDateTime(allow_none=True)
    sites = fields.List(fields.Nested(SiteSchema))
    zones = fields.List(fields.Nested(ZoneSchema))
    slots = fields.List(fields.Nested(SlotSchema))
    cpts = fields.List(fields.Raw(), metadata={"description": "Identifiants ou slugs de CPTS"})


class ProfessionalCreateSchema(ProfessionalInSchema):
    last_name = fields.String(required=True, validate=length(1, 200))
    profession = fields.String(required=True, validate=length(1, 32))


class SearchArgsSchema(Schema):
    near = LatLon(metadata={"description": "lat,lon"})
    radius_km = fields.Float(validate=between(0, 1000, min_inclusive=False))
    address = fields.String(validate=length(3, 200),
                            metadata={"description": "Adresse géocodée (BAN, mise en cache)"})
    profession = CsvList(fields.String(validate=length(max=32)), load_default=list,
                         metadata={"description": "Répétable : l'une de ces professions"})
    competency = CsvList(fields.String(validate=length(max=64)), load_default=list,
                         metadata={"description": "Répétable : toutes ces compétences"})
    covers = LatLon(metadata={"description": "lat,lon couvert par une zone d'intervention"})
    accepting_new_patients = fields.Boolean()
    open_now = fields.Boolean()
    open_at = fields.DateTime(metadata={"description": "ISO 8601 ; sans fuseau : heure de Paris"})
    slot_kind = fields.String(validate=one_of(SLOT_KINDS))
    language = fields.String(validate=matches(LANGUAGE, "code de langue ISO 639"))
    accessible = fields.Boolean()
    home_visits = fields.Boolean()
    cpts = fields.String(validate=length(max=200), metadata={"description": "id ou slug"})
    limit = fields.Integer(load_default=20, validate=between(1, 200))
    format = fields.String(load_default="json", validate=one_of(("json", "geojson")))


class CompetencyInSchema(Schema):
    slug = fields.String(required=True, validate=matches(
        r"^[a-z0-9]+(-[a-z0-9]+)*$", "minuscules, chiffres et tirets (ex. soins-palliatifs)"))
    label = fields.String(required=True, validate=length(2, 200))
    description = fields.String(allow_none=True)


__all__ = ["CompetencyInSchema", "ProfessionalCreateSchema", "ProfessionalInSchema",
           "SearchArgsSchema", "SiteSchema", "SlotSchema", "ZoneSchema"]
