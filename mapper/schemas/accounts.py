"""Accounts created through the API (administrators)."""
from __future__ import annotations

from marshmallow import fields

from ..vocab import ROLES
from .base import Schema, length, one_of


class AccountCreateSchema(Schema):
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=one_of(ROLES))
    regions = fields.List(fields.String(validate=length(2, 2)), load_default=list)
    cpts = fields.Integer(load_default=None)
    professional = fields.Integer(load_default=None)
