"""Query of the territorial diagnostic (``GET /api/v1/diagnostic`` and the pages' downloads)."""
from __future__ import annotations

from marshmallow import fields, post_load

from .base import Schema, length, matches, one_of
from .fields import departement, region

FORMATS = ("json", "csv", "geojson")


def split(raw: str | None) -> list[str]:
    """``"10, 60"`` → ``["10", "60"]`` (commas, semicolons or spaces)."""
    return [p for p in (raw or "").replace(";", ",").replace(" ", ",").split(",") if p]


class DiagnosticQuerySchema(Schema):
    cpts = fields.String(validate=length(1, 200), metadata={
        "description": "Identifiant ou slug d'une CPTS", "example": "cpts-paris-14"})
    communes = fields.String(validate=[length(1, 60_000), matches(
        r"^[0-9ABab ,;]+$", "codes INSEE séparés par des virgules attendus")], metadata={
        "description": "Codes INSEE séparés par des virgules (75056, 69123, 13055 développés "
                       "en arrondissements)", "example": "92075,92040"})
    departement = fields.String(validate=departement(), metadata={"example": "92"})
    region = fields.String(validate=region(), metadata={"example": "11"})
    profession = fields.String(validate=[length(1, 2000), matches(
        r"^[0-9A-Za-z_, ;-]+$", "codes de profession séparés par des virgules attendus")],
        metadata={"description": "Codes de profession séparés par des virgules "
                                 "(GET /api/v1/vocabularies/professions) ; toutes si absent",
                  "example": "10,60"})
    format = fields.String(load_default="json", validate=one_of(FORMATS), metadata={
        "description": "json, csv (une ligne par profession puis par commune et profession) "
                       "ou geojson (les communes et leur indice par profession)"})

    @post_load
    def _lists(self, data, **kwargs):
        data["professions"] = split(data.pop("profession", None))
        if "communes" in data:
            data["communes"] = split(data["communes"])
        return data
