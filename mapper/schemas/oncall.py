"""Inputs of the on-call screens: where the pharmacist stands, a reservation's note, a change
of free places."""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validates, validates_schema

from .base import Schema, between, length, one_of
from .fields import Number

FREE_PLACES_ACTIONS = ("decrement", "increment", "full", "set")
NOTE_MAX = 140
#: « patient Dupont », « nom : Martin » (a capitalised word after them), or any civility
#: followed by a word (« Mme dupont »): a patient's name.
_NAMED = re.compile(r"(?i:\b(?:patiente?|nom))\s*:?\s+[A-ZÀ-ÖØ-Þ]")
_CIVILITY = re.compile(r"(?i:(?<![\w.])(?:m\.|mr\.?|mme|mlle|monsieur|madame|mademoiselle))"
                       r"\s+[^\W\d_]")
NOT_A_NAME = ("pas de nom de patient dans la note : indiquez le motif ou l'heure "
              "(par ex. « entorse cheville, vers 15 h »)")


def check_note(value: str | None) -> None:
    """Refuse a note that names a patient (« Mme Dupont », « patient : Martin »)."""
    if value and (_NAMED.search(value) or _CIVILITY.search(value)):
        raise ValidationError(NOT_A_NAME)


class OncallQuerySchema(Schema):
    lat = Number(load_default=None, validate=between(-90, 90),
                 metadata={"description": "Avec lon : distances depuis ce point (sinon depuis "
                                          "le premier site localisé du professionnel connecté)"})
    lon = Number(load_default=None, validate=between(-180, 180))

    @validates_schema
    def _both(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError("lat et lon vont ensemble", field_name="lon")


class ReservationSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=length(max=NOTE_MAX),
                         metadata={"description": "Courte note pour le professionnel : jamais "
                                                  "le nom du patient"})

    @validates("note")
    def _note(self, value, **kwargs):
        check_note(value)


class FreePlacesSchema(Schema):
    action = fields.String(required=True, validate=one_of(FREE_PLACES_ACTIONS),
                           metadata={"description": "decrement (−1), increment (+1), full "
                                                    "(complet), set (avec value)"})
    value = fields.Integer(load_default=None, validate=between(0, 500))

    @validates_schema
    def _value(self, data, **kwargs):
        if data.get("action") == "set" and data.get("value") is None:
            raise ValidationError("nombre de places requis avec action=set", field_name="value")
