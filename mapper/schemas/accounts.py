"""Accounts created through the API (administrators)."""
from __future__ import annotations

from marshmallow import fields

from ..vocab import ROLES
from .base import Schema, count, length, one_of
from .fields import Id


class AccountCreateSchema(Schema):
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=one_of(ROLES))
    regions = fields.List(fields.String(validate=length(2, 2)), load_default=list,
                          validate=count(max=20))
    cpts = Id(load_default=None, allow_none=True)
    professional = Id(load_default=None, allow_none=True)


class TokenCreateSchema(Schema):
    label = fields.String(validate=length(max=200), load_default=None, allow_none=True)
