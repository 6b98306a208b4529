"""Response schemas of the API (the OpenAPI document); request schemas are in ``mapper.schemas``."""
from __future__ import annotations

from marshmallow import Schema, fields


class HealthSchema(Schema):
    status = fields.String()
    database = fields.Dict()


class GeoJSONFeatureSchema(Schema):
    type = fields.String()
    id = fields.Raw()
    geometry = fields.Dict(allow_none=True)
    properties = fields.Dict()


class AccountSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    regions = fields.List(fields.String())
    cpts = fields.Integer(allow_none=True)
    professional = fields.Integer(allow_none=True)
    active = fields.Boolean()


class AccountCreatedSchema(AccountSchema):
    token = fields.String(metadata={"description": "Affiché une seule fois."})


class TokenSchema(Schema):
    id = fields.Integer()
    label = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    last_used_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)


class TokenIssuedSchema(Schema):
    id = fields.Integer()
    token = fields.String(metadata={"description": "Affiché une seule fois."})


class SearchResultsSchema(Schema):
    results = fields.List(fields.Dict())
    count = fields.Integer()


GEOJSON = "application/geo+json"
SECURITY = [{"bearer": []}]
