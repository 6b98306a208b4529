"""Address autocomplete through our server: the visitor's browser never calls the BAN itself.

Per client, at most ``autocomplete_rate`` requests per second (burst ``autocomplete_burst``);
beyond, a 429 with ``Retry-After``.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import fields

from ..config import get_settings
from ..db import get_session
from ..http.ratelimit import ClientRateLimit
from ..schemas.addresses import AddressQuerySchema
from ..services.geocoding import APPROXIMATE_NOTE, suggest_addresses
from .schemas import Open

blp = Blueprint("adresses", __name__, url_prefix="/api/v1/adresses",
                description="Suggestions d'adresses pendant la saisie (Base Adresse Nationale)")


class AddressSuggestionSchema(Open):
    label = fields.String(required=True, metadata={
        "description": "Le libellé à mettre dans le champ (la recherche le géocode)"})
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    type = fields.String(metadata={"enum": ["housenumber", "street", "locality",
                                            "municipality"]})
    postcode = fields.String(allow_none=True)
    citycode = fields.String(allow_none=True, metadata={"description": "Code INSEE"})
    city = fields.String(allow_none=True)
    context = fields.String(allow_none=True, metadata={
        "description": "Département, région (« 80, Somme, Hauts-de-France »)"})
    score = fields.Float(allow_none=True)
    approximate = fields.Boolean(metadata={
        "description": "Vrai quand la position est celle de la commune (service d'adresses "
                       "injoignable)"})
    note = fields.String(metadata={"description": "« commune — position approximative »"})


class AddressSuggestionsSchema(Open):
    query = fields.String()
    approximate = fields.Boolean(metadata={
        "description": "Vrai quand les suggestions viennent des communes connues"})
    suggestions = fields.List(fields.Nested(AddressSuggestionSchema))


def _limiter() -> ClientRateLimit:
    limiter = current_app.extensions.get("mapper.autocomplete_limit")
    if limiter is None:
        settings = get_settings()
        limiter = current_app.extensions.setdefault("mapper.autocomplete_limit", ClientRateLimit(
            settings.autocomplete_rate, settings.autocomplete_burst))
    return limiter


@blp.before_request
def _count_the_request() -> None:
    """Every request counts, the refused ones (422) too."""
    _limiter().check()


@blp.route("")
@blp.arguments(AddressQuerySchema, location="query")
@blp.response(200, AddressSuggestionsSchema)
@blp.doc(responses={"429": {
    "description": "Trop de requêtes de ce client",
    "headers": {"Retry-After": {"description": "Secondes à attendre",
                                "schema": {"type": "integer"}}},
    "content": {"application/problem+json": {"schema": "Problem"}}}})
def suggest(args):
    """Adresses commençant par ``q``, les plus probables d'abord.

    Quand le service d'adresses est injoignable, les communes connues répondent, marquées
    ``approximate`` (leur position est celle de la commune). Au-delà de quelques requêtes
    par seconde d'un même client : 429, avec l'en-tête ``Retry-After``."""
    session = get_session()
    try:
        found = suggest_addresses(session, get_settings(), args["q"], limit=args["limit"],
                                  type=args.get("type"))
    finally:
        session.commit()  # keep the cached list
    items = []
    for item in found.items:
        out = asdict(item)
        if item.approximate:
            out["note"] = APPROXIMATE_NOTE
        items.append(out)
    headers = {"Cache-Control": "no-store" if found.approximate else "public, max-age=3600"}
    return {"query": found.query, "approximate": found.approximate, "suggestions": items}, 200, headers
