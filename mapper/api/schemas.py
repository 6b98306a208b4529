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


class AccountCreatedSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    regions = fields.List(fields.String())
    cpts = fields.Integer(allow_none=True)
    professional = fields.Integer(allow_none=True)
    token = fields.String(metadata={"description": "Affiché une seule fois."})


class SearchResultsSchema(Schema):
    results = fields.List(fields.Dict())
    count = fields.Integer()


GEOJSON = "application/geo+json"
SECURITY = [{"bearer": []}]
