"""Marshmallow schemas shared by the API blueprints (and the OpenAPI document)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class HealthSchema(Schema):
    status = fields.String()
    database = fields.Dict()


class CommuneQuerySchema(Schema):
    departement = fields.String(validate=validate.Regexp(r"^(\d{2}|2[AB]|9[78]\d)$"),
                                metadata={"description": "Code département (75, 2A, 974…)"})
    region = fields.String(validate=validate.Regexp(r"^\d{2}$"))
    q = fields.String(validate=validate.Length(min=2, max=100),
                      metadata={"description": "Début du nom ou du code (autocomplétion)"})
    geometry = fields.Boolean(load_default=True)
    limit = fields.Integer(validate=validate.Range(min=1, max=5000))


class GeoJSONFeatureSchema(Schema):
    type = fields.String()
    id = fields.Raw()
    geometry = fields.Dict(allow_none=True)
    properties = fields.Dict()
