"""Accounts created through the API (administrators)."""
from __future__ import annotations

from marshmallow import fields

from ..models import Account
from ..vocab import ROLES
from .base import Schema, count, length, one_of
from .fields import Id, column_length


class AccountCreateSchema(Schema):
    """A new account. Its role names what it must be tied to: an ``ars`` account to régions,
    a ``coordinator`` to a CPTS, a ``professional`` to a professional, each existing (422
    naming the field otherwise); an email already in use is a 409."""
    email = fields.Email(required=True, validate=column_length(Account.__table__.c.email))
    role = fields.String(required=True, validate=one_of(ROLES))
    regions = fields.List(fields.String(validate=length(2, 2)), load_default=list,
                          validate=count(max=20),
                          metadata={"description": "Codes région (COG) ; requis pour le rôle ars"})
    cpts = Id(load_default=None, allow_none=True,
              metadata={"description": "La CPTS ; requise pour le rôle coordinator"})
    professional = Id(load_default=None, allow_none=True,
                      metadata={"description": "Le professionnel ; requis pour le rôle "
                                               "professional"})


class TokenCreateSchema(Schema):
    label = fields.String(validate=length(max=200), load_default=None, allow_none=True)


class InvitationSchema(Schema):
    """An invitation to a member of a CPTS. ``email`` is required when the entry has no
    account yet; an entry that has one is invited at its account's address only (another
    address is a 409)."""
    email = fields.Email(load_default=None, allow_none=True,
                         validate=column_length(Account.__table__.c.email),
                         metadata={"description": "Adresse du professionnel (si la fiche n'a "
                                                  "pas encore de compte)"})
