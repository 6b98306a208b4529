"""Query of the commune reference layer."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from .base import Schema, between, length
from .fields import Boolean, departement, region


class CommuneQuerySchema(Schema):
    departement = fields.String(validate=departement(),
                                metadata={"description": "Code département (75, 2A, 974…)"})
    region = fields.String(validate=region())
    q = fields.String(validate=length(2, 100),
                      metadata={"description": "Début du nom ou du code (autocomplétion)"})
    geometry = Boolean(load_default=True)
    limit = fields.Integer(validate=between(1, 5000))

    @validates_schema
    def _somewhere(self, data, **kwargs):
        if not (data.get("departement") or data.get("region") or data.get("q")):
            raise ValidationError("departement, region ou q est requis", field_name="departement")
