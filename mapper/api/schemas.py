"""Response schemas of the API (the OpenAPI document); request schemas are in ``mapper.schemas``.

Responses are open objects (more members may come: additions never break a client), their
documented members typed."""
from __future__ import annotations

import json

from flask import Response
from marshmallow import INCLUDE, Schema, fields

GEOJSON = "application/geo+json"


def geojson(obj, status: int = 200) -> Response:
    """A GeoJSON object as an ``application/geo+json`` response (what the document declares)."""
    return Response(json.dumps(obj, ensure_ascii=False), status=status, mimetype=GEOJSON)


def geojson_text(body: str, status: int = 200) -> Response:
    """GeoJSON that PostgreSQL wrote (``services.features``), passed through as its text:
    a collection is never parsed and serialised again in Python."""
    return Response(body, status=status, mimetype=GEOJSON)
SECURITY = [{"bearer": []}]


class Open(Schema):
    class Meta:
        unknown = INCLUDE


class HealthSchema(Open):
    status = fields.String()
    database = fields.Dict()


class GeoJSONFeatureSchema(Open):
    type = fields.String(required=True, metadata={"enum": ["Feature"]})
    id = fields.Raw()
    geometry = fields.Dict(allow_none=True, metadata={"description": "RFC 7946, lon/lat"})
    properties = fields.Dict(allow_none=True)


class FeatureCollectionSchema(Open):
    type = fields.String(required=True, metadata={"enum": ["FeatureCollection"]})
    features = fields.List(fields.Nested(GeoJSONFeatureSchema), required=True)


class AccountSchema(Open):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    regions = fields.List(fields.String())
    cpts = fields.Integer(allow_none=True)
    professional = fields.Integer(allow_none=True)
    active = fields.Boolean()


class AccountCreatedSchema(AccountSchema):
    token = fields.String(metadata={"description": "Affiché une seule fois."})


class TokenSchema(Open):
    id = fields.Integer()
    label = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    last_used_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)


class TokenIssuedSchema(Open):
    id = fields.Integer()
    token = fields.String(metadata={"description": "Affiché une seule fois."})


_ONLY = ("Réservé aux confrères : présent seulement pour les membres connectés d'une CPTS de "
         "la fiche, ses coordinateurs, les administrateurs et la fiche elle-même ; jamais dans "
         "les vues publiques, cartes, exports, OGC ni FHIR. ")


class ColleagueFieldsSchema(Open):
    """The professional-only fields (``directory.colleague_access``: one rule for all)."""

    private_phone = fields.String(allow_none=True, metadata={
        "description": _ONLY + "Ligne directe."})
    mssante = fields.String(allow_none=True, metadata={
        "description": _ONLY + "Adresse de messagerie sécurisée (domaine mssante.fr)."})
    referral_preference = fields.String(allow_none=True, metadata={
        "description": _ONLY + "Adressage préféré : phone, mssante ou letter."})
    takes_referrals = fields.Boolean(allow_none=True, metadata={
        "description": _ONLY + "Accepte les patients adressés par un confrère."})
    colleague_note = fields.String(allow_none=True, metadata={
        "description": _ONLY + "Note aux confrères."})
    colleague = fields.Boolean(metadata={
        "description": "Vrai quand les champs réservés aux confrères sont présents."})


class SearchResultSchema(ColleagueFieldsSchema):
    id = fields.Integer(required=True)
    last_name = fields.String()
    profession = fields.String()
    distance_km = fields.Float(allow_none=True)


class SearchResultsSchema(Open):
    results = fields.List(fields.Nested(SearchResultSchema))
    count = fields.Integer()


class ProfessionalSchema(ColleagueFieldsSchema):
    id = fields.Integer(required=True)
    last_name = fields.String()
    profession = fields.String()
    sites = fields.List(fields.Dict())


class CheckResultSchema(Open):
    population = fields.Integer()
    area_km2 = fields.Float()
    size_category = fields.Integer()
    communes = fields.List(fields.Dict())
    overlaps = fields.List(fields.Dict())
    conflicts_with_validated = fields.Boolean()
    crs = fields.Dict(metadata={"description": (
        "Tracé seulement : le système de coordonnées lu (code EPSG, nom, source « declared » "
        "(membre crs), « detected » (Lambert-93 reconnu) ou « default » (WGS84), et "
        "reprojected : le tracé a été reprojeté en WGS84)")})


class PairsSchema(Open):
    pairs = fields.List(fields.Dict())


class ArbitrationOutSchema(Open):
    id = fields.Integer()
    commune = fields.String()
    nom = fields.String(allow_none=True)
    cpts = fields.List(fields.Integer())
    reason = fields.String()
    decided_by = fields.String(metadata={"description": "Le compte ARS qui a décidé"})
    created_at = fields.String(allow_none=True)


class ArbitrationsSchema(Open):
    arbitrations = fields.List(fields.Nested(ArbitrationOutSchema))


class ProfessionsSchema(Open):
    professions = fields.List(fields.Dict())


class CompetenciesSchema(Open):
    competencies = fields.List(fields.Dict())


class CoverageSchema(Open):
    population_total = fields.Integer()
    population_covered = fields.Integer()
    population_uncovered = fields.Integer()
    coverage_rate = fields.Float()
    uncovered_communes = fields.List(fields.Dict())
    multi_covered_communes = fields.List(fields.Dict())


class DiagnosticSchema(Open):
    territory = fields.Dict(metadata={"description": (
        "kind, key, label, communes (nombre), departement et region de référence, population")})
    professions = fields.List(fields.Dict(), metadata={"description": (
        "Par profession : code, label, count, density (pour 10 000 habitants), "
        "density_departement, density_region, density_france, accepting_new_patients, "
        "accepting_known, accepting_share, population_reached_by_zones, "
        "share_reached_by_zones, accessibility (indice 2SFCA du territoire, moyenne des "
        "communes pondérée par la population)")})
    communes = fields.List(fields.Dict(), metadata={"description": (
        "code, nom, population, accessibility ({profession: indice pour 10 000 habitants})")})
    ages = fields.Dict(allow_none=True, metadata={"description": (
        "Structure par âge (0–14 … 75 ans ou plus) du territoire et de la France ; null sans "
        "données d'âge importées")})
    method = fields.Dict(metadata={"description": (
        "Méthode, paramètres (rayon, paliers de distance) et limites des indicateurs")})


#: Schemas the views document without dumping through them (they return what the services
#: built, or a Response): registered once as components by ``init_api``.
COMPONENTS = {"Professional": ProfessionalSchema, "SearchResults": SearchResultsSchema,
              "FeatureCollection": FeatureCollectionSchema,
              "CheckResult": CheckResultSchema, "Pairs": PairsSchema, "Coverage": CoverageSchema,
              "Diagnostic": DiagnosticSchema}


def answers(status: int, component: str, description: str,
            content_type: str = "application/json") -> dict:
    """A response documented by a component schema, for ``@blp.doc(responses=…)``."""
    return {str(status): {"description": description,
                          "content": {content_type: {"schema": component}}}}


def json_or_geojson(description: str, json_component: str) -> dict:
    """A 200 answered as JSON or, with ``format=geojson``, as a FeatureCollection."""
    return {"200": {"description": description, "content": {
        "application/json": {"schema": json_component},
        GEOJSON: {"schema": "FeatureCollection"}}}}


class InvitationSentSchema(Open):
    account = fields.Integer(metadata={"description": "Le compte du professionnel"})
    email = fields.String()
    account_created = fields.Boolean(metadata={"description": "Compte créé par l'invitation"})
    mail_sent = fields.Boolean(metadata={
        "description": "Faux quand aucun serveur de messagerie n'est configuré (le lien est "
                       "alors inscrit dans le journal du service)"})
    expires_at = fields.String(metadata={"description": "Fin de validité du lien (24 h)"})
