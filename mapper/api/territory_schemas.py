"""Request schemas of the territory endpoints (check, CPTS, decisions, arbitrations, coverage).

Kept apart from schemas.py so the territory engine can evolve without touching shared files.
Unknown fields are refused (marshmallow's default), so a typo is a 422 naming the field.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..models import CPTS_STATUSES

DEPARTEMENT = validate.Regexp(r"^(\d{2}|2[AB]|9[78]\d)$")
REGION = validate.Regexp(r"^\d{2}$")


class TerritorySchema(Schema):
    communes = fields.List(fields.String(), metadata={
        "description": "Codes INSEE (Paris, Lyon, Marseille par arrondissement ; 75056, 69123 "
                       "et 13055 sont développés)"})
    geometry = fields.Raw(allow_none=True, metadata={
        "description": "GeoJSON Polygon ou MultiPolygon (WGS84 lon/lat)"})
    repair = fields.Boolean(load_default=False, metadata={
        "description": "Réparer une géométrie invalide au lieu de la refuser"})


class TerritoryCheckSchema(TerritorySchema):
    exclude_cpts = fields.Integer(allow_none=True, metadata={
        "description": "CPTS en cours de modification : exclue des chevauchements"})


class CptsFieldsSchema(Schema):
    website = fields.String(allow_none=True, validate=validate.Length(max=500))
    contact_email = fields.String(allow_none=True, validate=validate.Length(max=320))
    embed_origins = fields.List(fields.String(), metadata={
        "description": "Origines autorisées à intégrer le widget (https://site.fr)"})


class CptsCreateSchema(TerritorySchema, CptsFieldsSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(load_default="projet",
                           validate=validate.OneOf(["intention", "projet"]))


class CptsPatchSchema(TerritorySchema, CptsFieldsSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    status = fields.String(validate=validate.OneOf(["intention", "projet"]))


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["valide", "rejete"]))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ArbitrationSchema(Schema):
    commune = fields.String(required=True, validate=validate.Length(min=5, max=5))
    cpts = fields.List(fields.Integer(), required=True, validate=validate.Length(min=2))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class CptsQuerySchema(Schema):
    region = fields.String(validate=REGION)
    departement = fields.String(validate=DEPARTEMENT)
    status = fields.String(validate=validate.OneOf(CPTS_STATUSES))


class RegionQuerySchema(Schema):
    region = fields.String(validate=REGION)


class CoverageQuerySchema(Schema):
    departement = fields.String(validate=DEPARTEMENT)
    region = fields.String(validate=REGION)
    status = fields.String(validate=validate.OneOf(CPTS_STATUSES))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "geojson"]))
