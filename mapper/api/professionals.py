"""The directory of professionals: CRUD, search, zones as GeoJSON, and the vocabularies.

Anonymous readers get public fields only; writers are checked in the service (admin, the
coordinator of one of the professional's CPTS, or the professional's own account).
"""
from __future__ import annotations

import json
from datetime import time

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .. import get_settings
from ..auth import require_role
from ..auth.principal import current_principal
from ..db import get_session
from ..errors import ServiceUnavailable, ValidationFailed
from ..geocoding import GeocodingUnavailable
from ..services import professionals as svc
from ..services import vocabularies
from ..services.geocoding import client_for, resolve_query_address
from ..services.search import SearchQuery, results_geojson, search_professionals

blp = Blueprint("professionals", __name__, url_prefix="/api/v1/professionals",
                description="Annuaire des professionnels : fiches, recherche, zones d'intervention")
vocab_blp = Blueprint("directory_vocabularies", __name__, url_prefix="/api/v1",
                      description="Vocabulaires de l'annuaire : professions et compétences")

GEOJSON = "application/geo+json"
SLOT_KINDS = ("snp", "vaccination", "permanence")


# -- fields ---------------------------------------------------------------------------------

class LatLon(fields.Field):
    """``"48.83,2.32"`` (lat,lon) → (48.83, 2.32), checked against the globe's ranges."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            lat_s, lon_s = str(value).split(",")
            lat, lon = float(lat_s), float(lon_s)
        except ValueError:
            raise ValidationError("attendu : lat,lon (par ex. 48.83,2.32)") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError("lat entre -90 et 90, lon entre -180 et 180")
        return (lat, lon)


class ClockTime(fields.Field):
    """``"HH:MM"``; ``"24:00"`` is midnight at the end of the day (stored 00:00, wrapping)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip()
        if text in ("24:00", "24:00:00"):
            return time(0, 0)
        try:
            parsed = time.fromisoformat(text)
        except ValueError:
            raise ValidationError("heure attendue au format HH:MM") from None
        return parsed.replace(second=0, microsecond=0, tzinfo=None)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")


class CsvList(fields.List):
    """A repeatable query parameter that also accepts comma-separated values."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [value]
        flat = [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return super()._deserialize(flat, attr, data, **kwargs)


# -- schemas --------------------------------------------------------------------------------

class SiteSchema(Schema):
    name = fields.String(allow_none=True, validate=validate.Length(max=300))
    address = fields.String(required=True, validate=validate.Length(min=3, max=300))
    postcode = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{5}$"))
    commune = fields.String(allow_none=True, validate=validate.Regexp(r"^(\d{5}|2[AB]\d{3})$"),
                            metadata={"description": "Code INSEE (arrondissement à Paris)"})
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90),
                       metadata={"description": "Avec lon : pas de géocodage"})
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))


class ZoneSchema(Schema):
    communes = fields.List(fields.String(validate=validate.Regexp(r"^(\d{5}|2[AB]\d{3})$")))
    radius_km = fields.Float(validate=validate.Range(min=0, min_inclusive=False, max=100))
    site = fields.Integer(load_default=None, validate=validate.Range(min=0),
                          metadata={"description": "Indice du site (rayon)"})
    geometry = fields.Dict(metadata={"description": "Polygone GeoJSON dessiné"})

    @validates_schema
    def _one_kind(self, data, **kwargs):
        kinds = [k for k in ("communes", "radius_km", "geometry") if data.get(k) is not None]
        if len(kinds) != 1:
            raise ValidationError("une zone est communes, radius_km (+ site) ou geometry",
                                  field_name="_schema")


class SlotSchema(Schema):
    weekday = fields.Integer(required=True, validate=validate.Range(1, 7),
                             metadata={"description": "1 = lundi … 7 = dimanche"})
    start = ClockTime(required=True, metadata={"description": "HH:MM, heure de Paris"})
    end = ClockTime(required=True, metadata={"description": "HH:MM ; ≤ start : passe minuit"})
    kind = fields.String(required=True, validate=validate.OneOf(SLOT_KINDS))
    site = fields.Integer(load_default=None, validate=validate.Range(min=0))
    valid_from = fields.Date(load_default=None)
    valid_to = fields.Date(load_default=None)


class ProfessionalInSchema(Schema):
    rpps = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{11}$"),
                         metadata={"description": "11 chiffres, unique"})
    external_ref = fields.String(allow_none=True, validate=validate.Length(max=100))
    civility = fields.String(allow_none=True, validate=validate.Length(max=16))
    first_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    last_name = fields.String(validate=validate.Length(min=1, max=200))
    profession = fields.String(validate=validate.Length(min=1, max=32),
                               metadata={"description": "Code nomenclature RPPS ou rôle CPTS"})
    specialty = fields.String(allow_none=True, validate=validate.Length(max=300))
    competencies = fields.List(fields.String(validate=validate.Length(max=64)))
    accepts_new_patients = fields.Boolean(allow_none=True)
    home_visits = fields.Boolean()
    teleconsultation = fields.Boolean()
    languages = fields.List(fields.String(validate=validate.Regexp(r"^[a-zA-Z]{2,3}$")))
    accessible = fields.Boolean(allow_none=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40),
                          metadata={"description": "Téléphone public (cabinet)"})
    private_phone = fields.String(allow_none=True, validate=validate.Length(max=40),
                                  metadata={"description": "Jamais montré au public"})
    email = fields.Email(allow_none=True)
    public_email = fields.Boolean()
    website = fields.Url(allow_none=True, schemes={"http", "https"})
    last_verified_at = fields.AwareDateTime(allow_none=True)
    sites = fields.List(fields.Nested(SiteSchema))
    zones = fields.List(fields.Nested(ZoneSchema))
    slots = fields.List(fields.Nested(SlotSchema))
    cpts = fields.List(fields.Raw(), metadata={"description": "Identifiants ou slugs de CPTS"})


class ProfessionalCreateSchema(ProfessionalInSchema):
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    profession = fields.String(required=True, validate=validate.Length(min=1, max=32))


class SearchArgsSchema(Schema):
    near = LatLon(metadata={"description": "lat,lon"})
    radius_km = fields.Float(validate=validate.Range(min=0, min_inclusive=False, max=1000))
    address = fields.String(validate=validate.Length(min=3, max=200),
                            metadata={"description": "Adresse géocodée (BAN, mise en cache)"})
    profession = CsvList(fields.String(validate=validate.Length(max=32)), load_default=list,
                         metadata={"description": "Répétable : l'une de ces professions"})
    competency = CsvList(fields.String(validate=validate.Length(max=64)), load_default=list,
                         metadata={"description": "Répétable : toutes ces compétences"})
    covers = LatLon(metadata={"description": "lat,lon couvert par une zone d'intervention"})
    accepting_new_patients = fields.Boolean()
    open_now = fields.Boolean()
    open_at = fields.DateTime(metadata={"description": "ISO 8601 ; sans fuseau : heure de Paris"})
    slot_kind = fields.String(validate=validate.OneOf(SLOT_KINDS))
    language = fields.String(validate=validate.Regexp(r"^[a-zA-Z]{2,3}$"))
    accessible = fields.Boolean()
    home_visits = fields.Boolean()
    cpts = fields.String(validate=validate.Length(max=200), metadata={"description": "id ou slug"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 200))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "geojson"]))


class SearchResultsSchema(Schema):
    results = fields.List(fields.Dict())
    count = fields.Integer()


class CompetencyInSchema(Schema):
    slug = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$"))
    label = fields.String(required=True, validate=validate.Length(min=2, max=200))
    description = fields.String(allow_none=True)


# -- views ----------------------------------------------------------------------------------

def _client():
    return client_for(get_settings())


@blp.route("", methods=["POST"])
@require_role("admin", "coordinator")
@blp.arguments(ProfessionalCreateSchema)
@blp.response(201, description="La fiche complète (vue privée)")
@blp.doc(security=[{"bearer": []}])
def create(body):
    """Créer une fiche (administrateur, ou coordinateur : rattachée à sa CPTS)."""
    session = get_session()
    out = svc.create_professional(session, body, current_principal(), get_settings(),
                                  client=_client())
    session.commit()
    return out


@blp.route("/search")
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchResultsSchema)
@blp.doc(responses={"200": {"description": "JSON, ou FeatureCollection avec format=geojson"}})
def search(args):
    """Rechercher : les plus proches d'abord quand un lieu est donné (near, address, covers)."""
    session = get_session()
    near = args.get("near")
    if args.get("address") and near is None:
        settings = get_settings()
        try:
            found = resolve_query_address(session, _client(), args["address"],
                                          settings.ban_min_score)
        except GeocodingUnavailable as exc:
            raise ServiceUnavailable("Le service de géocodage est injoignable ; précisez "
                                     "near=lat,lon.", log_message=str(exc)) from exc
        session.commit()  # keep the cached answer
        if found is None:
            raise ValidationFailed("Adresse introuvable.", errors={"address": ["adresse introuvable"]})
        near = (found.lat, found.lon)
    open_at = args.get("open_at")
    if open_at is None and args.get("open_now"):
        from datetime import datetime, timezone

        open_at = datetime.now(timezone.utc)
    query = SearchQuery(
        near=near, radius_km=args.get("radius_km"), professions=args["profession"],
        competencies=args["competency"], covers=args.get("covers"),
        accepting_new_patients=args.get("accepting_new_patients"), open_at=open_at,
        language=args.get("language"), accessible=args.get("accessible"),
        cpts=args.get("cpts"), limit=args["limit"], slot_kind=args.get("slot_kind"),
        home_visits=args.get("home_visits"),
    )
    results = search_professionals(session, query)
    if args["format"] == "geojson":
        return Response(json.dumps(results_geojson(results), ensure_ascii=False),
                        mimetype=GEOJSON)
    return {"results": results, "count": len(results)}


@blp.route("/<int:professional_id>")
@blp.response(200, description="Une fiche (champs publics, ou vue privée pour qui peut la modifier)")
def get_one(professional_id: int):
    """Une fiche : champs publics, ou complète pour qui peut la modifier."""
    return svc.professional_for(get_session(), current_principal(), professional_id)


@blp.route("/<int:professional_id>", methods=["PATCH"])
@require_role("admin", "coordinator", "professional")
@blp.arguments(ProfessionalInSchema)
@blp.response(200, description="Une fiche (champs publics, ou vue privée pour qui peut la modifier)")
@blp.doc(security=[{"bearer": []}])
def patch(body, professional_id: int):
    """Modifier une fiche (les listes données remplacent les actuelles)."""
    session = get_session()
    out = svc.update_professional(session, professional_id, body, current_principal(),
                                  get_settings(), client=_client())
    session.commit()
    return out


@blp.route("/<int:professional_id>", methods=["DELETE"])
@require_role("admin", "coordinator", "professional")
@blp.response(204)
@blp.doc(security=[{"bearer": []}])
def remove(professional_id: int):
    """Supprimer une fiche, ses sites, zones, créneaux et adhésions."""
    session = get_session()
    svc.delete_professional(session, professional_id, current_principal())
    session.commit()
    return ""


@blp.route("/<int:professional_id>/zones")
@blp.doc(responses={"200": {"description": "FeatureCollection GeoJSON des zones d'intervention"}})
def zones(professional_id: int):
    """Les zones d'intervention (visites à domicile) d'un professionnel."""
    body = svc.professional_zone_geojson(get_session(), professional_id)
    return Response(json.dumps(body, ensure_ascii=False), mimetype=GEOJSON)


@vocab_blp.route("/professions")
def professions():
    """Les professions : nomenclature RPPS et rôles propres aux CPTS."""
    return {"professions": vocabularies.professions(get_session())}


@vocab_blp.route("/competencies")
def competencies():
    """Le vocabulaire des compétences."""
    return {"competencies": vocabularies.competencies(get_session())}


@vocab_blp.route("/competencies", methods=["POST"])
@require_role("admin", "coordinator")
@vocab_blp.arguments(CompetencyInSchema)
@vocab_blp.response(201, CompetencyInSchema)
@vocab_blp.doc(security=[{"bearer": []}])
def add_competency(body):
    """Ajouter une compétence au vocabulaire (administrateur, coordinateur)."""
    session = get_session()
    vocabularies.add_competency(session, body, current_principal())
    session.commit()
    return body


