"""Query of the address autocomplete (``GET /api/v1/adresses``)."""
from __future__ import annotations

from marshmallow import fields, pre_load

from .base import Schema, between, length, one_of

#: The BAN's ``type`` filter (its result types).
ADDRESS_TYPES = ("housenumber", "street", "locality", "municipality")


class AddressQuerySchema(Schema):
    q = fields.String(required=True, validate=length(3, 200), metadata={
        "description": "Le début de l'adresse tapée (3 à 200 caractères, espaces de bord "
                       "ignorés)", "example": "8 bd du port"})
    limit = fields.Integer(load_default=5, validate=between(1, 10),
                           metadata={"description": "Nombre de suggestions (1 à 10)"})
    type = fields.String(validate=one_of(ADDRESS_TYPES), metadata={
        "description": "Ne suggérer que ce type de lieu (numéro, voie, lieu-dit, commune)"})

    @pre_load
    def _strip(self, data, **kwargs):
        """Spaces around the text are no characters of the address."""
        if hasattr(data, "to_dict"):  # webargs hands a MultiDict proxy
            data = {key: data.get(key) for key in data}
        if isinstance(data.get("q"), str):
            data = {**data, "q": " ".join(data["q"].split())}
        return data
