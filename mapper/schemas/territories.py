"""Territories and CPTS: check, create, edit, ARS decisions, arbitrations, coverage queries."""
from __future__ import annotations

from marshmallow import ValidationError, fields, pre_load, validates_schema

from ..models import Cpts
from ..vocab import CPTS_STATUSES, CREATABLE_STATUSES, DECISIONS
from .base import Schema, count, length, matches, one_of
from .fields import Boolean, Id, column_length, departement, insee_code, region

#: A territory is a few hundred communes at most; this caps abuse, not real use.
MAX_COMMUNES = 5_000
K = Cpts.__table__.c


class TerritorySchema(Schema):
    communes = fields.List(fields.String(validate=matches(
                               r"^\s*(\d{5}|2[ABab]\d{3})\s*$", "code INSEE à 5 caractères attendu")),
                           validate=count(1, MAX_COMMUNES), metadata={
        "description": "Codes INSEE (Paris, Lyon, Marseille par arrondissement ; 75056, 69123 "
                       "et 13055 sont développés)"})
    iris = fields.List(fields.String(validate=matches(
                           r"^\s*(\d{5}|2[ABab]\d{3})\d{4}\s*$",
                           "code IRIS à 9 caractères attendu (code commune + 4 chiffres)")),
                       validate=count(1, MAX_COMMUNES), metadata={
        "description": "Codes IRIS (9 caractères) d'une commune partagée entre CPTS ; la "
                       "commune n'est alors pas listée dans « communes »"})
    geometry = fields.Raw(allow_none=True, metadata={
        "description": "GeoJSON Polygon ou MultiPolygon (WGS84 lon/lat ; un membre « crs » "
                       "hérité, p. ex. urn:ogc:def:crs:EPSG::2154, est lu et le tracé reprojeté)"})
    repair = Boolean(load_default=False, metadata={
        "description": "Réparer une géométrie invalide au lieu de la refuser"})


class TerritoryCheckSchema(TerritorySchema):
    exclude_cpts = Id(allow_none=True, metadata={
        "description": "CPTS en cours de modification : exclue des chevauchements"})


class CptsFieldsSchema(Schema):
    website = fields.String(allow_none=True, validate=column_length(K.website))
    contact_email = fields.String(allow_none=True, validate=column_length(K.contact_email))
    embed_origins = fields.List(fields.String(validate=length(max=200)), validate=count(max=20),
                                metadata={
        "description": "Origines autorisées à intégrer le widget (https://site.fr[:port], sans "
                       "chemin ; http:// seulement pour localhost) ; normalisées (minuscules, "
                       "punycode, port par défaut retiré), doublons retirés"})
    brand_color = fields.String(allow_none=True, validate=length(max=20), metadata={
        "description": "Couleur du widget, #rrggbb (la couleur du texte en est déduite) ; "
                       "null pour la couleur par défaut", "example": "#1d4f91"})


class CptsCreateSchema(TerritorySchema, CptsFieldsSchema):
    name = fields.String(required=True, validate=length(1, K.name.type.length))
    status = fields.String(load_default="projet", validate=one_of(CREATABLE_STATUSES))


class CptsPatchSchema(TerritorySchema, CptsFieldsSchema):
    name = fields.String(validate=length(1, K.name.type.length))
    status = fields.String(validate=one_of(CREATABLE_STATUSES))


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=one_of(DECISIONS))
    reason = fields.String(required=True, validate=length(1, 5000),
                           metadata={"description": "Motif (obligatoire, journalisé)"})

    @pre_load
    def _strip(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            data = {**data, "reason": data["reason"].strip()}
        return data


class ArbitrationSchema(Schema):
    commune = fields.String(required=True, validate=insee_code())
    cpts = fields.List(Id(), required=True, validate=count(2, 50))
    reason = fields.String(required=True, validate=length(1, 5000))


class CptsQuerySchema(Schema):
    region = fields.String(validate=region())
    departement = fields.String(validate=departement())
    status = fields.String(validate=one_of(CPTS_STATUSES))


class RegionQuerySchema(Schema):
    region = fields.String(validate=region())


class CoverageQuerySchema(Schema):
    departement = fields.String(validate=departement())
    region = fields.String(validate=region())
    status = fields.String(validate=one_of(CPTS_STATUSES))
    format = fields.String(load_default="json", validate=one_of(("json", "geojson")))

    @validates_schema
    def _somewhere(self, data, **kwargs):
        if not (data.get("departement") or data.get("region")):
            raise ValidationError("departement ou region est requis", field_name="departement")
