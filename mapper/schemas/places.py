"""Places (lieux) and closures: what the API, the coordinator's pages and the CSV import accept.

A FINESS number has 9 characters: the département (2 digits, or 2A/2B in Corsica), a
6-digit serial number and a check key computed with the Luhn algorithm over the first eight
(checked against published numbers such as 750712184, the AP-HP). For Corsican numbers we
found no published rule for the letters, so only their format is checked there.
"""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validates_schema

from ..models import Closure, Place
from ..vocab import PLACE_KINDS
from .base import Schema, between, length, matches, one_of
from .fields import Boolean, INSEE_CODE, Number, column_length, plausible_date

P = Place.__table__.c
FINESS_RE = re.compile(r"^(\d{2}|2[AB])\d{7}$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def finess_problem(value: str) -> str | None:
    """Why ``value`` is not a FINESS number (format, then check key), or None."""
    if not FINESS_RE.match(value or ""):
        return "9 caractères : département (2 chiffres, 2A ou 2B) puis 7 chiffres"
    if value[:2] not in ("2A", "2B") and not luhn_ok(value):
        return "clé de contrôle (dernier chiffre) incorrecte : vérifiez le numéro FINESS"
    return None


def normalise_finess(value: str | None) -> str | None:
    """Spaces removed, letters upper-cased; blank is None."""
    if value is None:
        return None
    out = "".join(value.split()).upper()
    return out or None


class Finess(fields.String):
    """A FINESS number, spaces allowed on input (« 75 071 218 4 »), checked with its key."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = normalise_finess(super()._deserialize(value, attr, data, **kwargs))
        if text is None:
            return None
        problem = finess_problem(text)
        if problem:
            raise ValidationError(problem)
        return text


class PlaceInSchema(Schema):
    name = fields.String(validate=length(2, P.name.type.length))
    kind = fields.String(validate=one_of(PLACE_KINDS))
    finess = Finess(allow_none=True, metadata={"description": "9 caractères, clé de Luhn"})
    address = fields.String(validate=length(3, P.address.type.length))
    postcode = fields.String(allow_none=True, validate=matches(r"^\d{5}$", "5 chiffres"))
    commune = fields.String(allow_none=True, validate=matches(INSEE_CODE, "code INSEE attendu"),
                            metadata={"description": "Code INSEE (arrondissement à Paris)"})
    lat = Number(allow_none=True, validate=between(-90, 90),
                 metadata={"description": "Avec lon : pas de géocodage"})
    lon = Number(allow_none=True, validate=between(-180, 180))
    phone = fields.String(allow_none=True, validate=column_length(P.phone))
    website = fields.Url(allow_none=True, schemes={"http", "https"},
                         validate=column_length(P.website))
    accessible = Boolean(allow_none=True)
    notes = fields.String(allow_none=True, validate=length(max=2000))
    cpts = fields.Raw(allow_none=True, metadata={"description": "Identifiant ou slug de CPTS"})
    external_ref = fields.String(allow_none=True, validate=column_length(P.external_ref))

    @validates_schema
    def _lat_lon(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError("lat et lon vont ensemble", field_name="lat")


class PlaceCreateSchema(PlaceInSchema):
    name = fields.String(required=True, validate=length(2, P.name.type.length))
    kind = fields.String(required=True, validate=one_of(PLACE_KINDS))
    address = fields.String(required=True, validate=length(3, P.address.type.length))


class PlaceListArgsSchema(Schema):
    cpts = fields.String(validate=length(max=200), metadata={"description": "id ou slug"})
    kind = fields.String(validate=one_of(PLACE_KINDS))


class ClosureInSchema(Schema):
    starts_on = fields.Date(required=True, validate=plausible_date,
                            metadata={"description": "Premier jour fermé (AAAA-MM-JJ)"})
    ends_on = fields.Date(required=True, validate=plausible_date,
                          metadata={"description": "Dernier jour fermé (inclus)"})
    reason = fields.String(allow_none=True,
                           validate=length(max=Closure.__table__.c.reason.type.length))

    @validates_schema
    def _range(self, data, **kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("le dernier jour précède le premier", field_name="ends_on")


__all__ = ["ClosureInSchema", "Finess", "PlaceCreateSchema", "PlaceInSchema",
           "PlaceListArgsSchema", "finess_problem", "luhn_ok", "normalise_finess"]
