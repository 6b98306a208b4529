"""Conciliation of overlaps: the query of a région's list and the change of state."""
from __future__ import annotations

from marshmallow import fields

from ..vocab import CONCILIATION_STATES
from .base import Schema, length, one_of
from .fields import Boolean, region


class ConciliationQuerySchema(Schema):
    region = fields.String(required=True, validate=region())
    resolved = Boolean(load_default=True, metadata={
        "description": "Inclure les chevauchements résolus par modification du territoire"})


class ConciliationPatchSchema(Schema):
    state = fields.String(required=True, validate=one_of(("en_conciliation",)), metadata={
        "description": "Seul « en_conciliation » se pose à la main ; les états résolus sont "
                       "posés par l'arbitrage ou la modification du territoire",
        "enum": ["en_conciliation"]})
    note = fields.String(required=True, validate=length(1, 2000),
                         metadata={"description": "Note de conciliation (journalisée)"})


#: Every state, for the output's documentation.
STATES = list(CONCILIATION_STATES)
