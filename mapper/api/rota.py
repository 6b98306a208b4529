"""The on-call rota of a CPTS: shifts (list, create, change, delete), swaps, generation over a
period, on-call hours and gaps, CSV export and import.

Seen by the CPTS's professionals, its coordinator, the ARS of its région and admins; managed
by its coordinator and admins (``services.directory.rota_access``, checked in the services).
"""
from __future__ import annotations

from datetime import datetime

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import fields

from ..db import get_session
from ..errors import ValidationFailed
from ..http.principal import require_auth, require_role
from ..schemas.rota import (
    GenerateSchema,
    RangeArgsSchema,
    RotaHoursSchema,
    ShiftInSchema,
    ShiftPatchSchema,
    SwapSchema,
)
from ..services.directory import rota, rota_csv, rota_generate, rota_hours
from ..services.directory.calendar import PARIS
from ..services.directory.rota_access import require_view_rota
from ..services.directory.rota_views import default_range
from ..services.territories import get_cpts
from ..vocab import ROLES
from .schemas import SECURITY, Open

blp = Blueprint("rota", __name__, url_prefix="/api/v1",
                description="Astreintes d'une CPTS : planning, tour de rôle, échanges, CSV")
SLUG = {"in": "path", "name": "slug", "description": "Identifiant ou slug de la CPTS",
        "schema": {"type": "string"}}
CSV = "text/csv"
CONFLICT = {"409": "CONFLICT", "422": "UNPROCESSABLE_ENTITY"}
#: Signed in (401 before the body is read); the rota's own rule then says 403 or not.
signed_in = require_role(*ROLES)


class ShiftSchema(Open):
    id = fields.Integer()
    cpts = fields.Integer()
    professional = fields.Dict(metadata={"description": "id, noms, rpps, profession, phone"})
    date = fields.String(metadata={"description": "Jour, heure de Paris"})
    start = fields.String(metadata={"description": "HH:MM, heure de Paris"})
    end = fields.String()
    overnight = fields.Boolean()
    starts_at = fields.String(metadata={"description": "Instant ISO 8601 (UTC)"})
    ends_at = fields.String()
    site = fields.Integer(allow_none=True)
    place = fields.Integer(allow_none=True)
    where = fields.Dict(allow_none=True)
    free_places = fields.Integer()
    note = fields.String(allow_none=True)
    updated_by = fields.String(allow_none=True)
    updated_at = fields.String()


class ShiftListSchema(Open):
    cpts = fields.Dict()
    start = fields.String(data_key="from")
    end = fields.String(data_key="to")
    hours = fields.Dict(metadata={"description": "Heures d'astreinte attendues"})
    shifts = fields.List(fields.Nested(ShiftSchema))
    gaps = fields.List(fields.Dict(), metadata={"description": "Heures sans astreinte"})


class GenerateOutSchema(Open):
    created = fields.Integer()
    existing = fields.Integer(metadata={"description": "Déjà couvertes : laissées telles quelles"})
    planned = fields.List(fields.Dict())
    unfilled = fields.List(fields.Dict(), metadata={"description": "Personne de disponible"})
    conflicts = fields.List(fields.Dict())
    holidays_skipped = fields.List(fields.Dict())
    shifts = fields.List(fields.Integer())
    dry_run = fields.Boolean()


class SwapOutSchema(Open):
    shifts = fields.List(fields.Nested(ShiftSchema))


class HoursSchema(Open):
    weekdays = fields.List(fields.Integer())
    start = fields.String()
    end = fields.String()
    default = fields.Boolean()


class ImportOutSchema(Open):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()


@blp.route("/cpts/<slug>/shifts", parameters=[SLUG])
@signed_in
@blp.arguments(RangeArgsSchema, location="query")
@blp.response(200, ShiftListSchema)
@blp.doc(security=SECURITY)
def list_shifts(args, slug: str):
    """Les astreintes d'une période (from/to, par défaut 7 jours) et les heures sans
    astreinte."""
    session, principal = get_session(), require_auth()
    cpts = get_cpts(session, slug)
    start, end = default_range(args.get("start_date"), args.get("end_date"),
                               datetime.now(PARIS).date())
    shifts = rota.list_shifts(session, principal, cpts, start, end)
    hours = rota_hours.rota_hours(session, cpts.id)
    return {"cpts": {"id": cpts.id, "slug": cpts.slug, "name": cpts.name},
            "start": start.isoformat(), "end": end.isoformat(), "hours": hours,
            "shifts": shifts, "gaps": rota_hours.gaps(session, cpts.id, shifts, start, end,
                                                      hours=hours)}


@blp.route("/cpts/<slug>/shifts", methods=["POST"], parameters=[SLUG])
@signed_in
@blp.arguments(ShiftInSchema)
@blp.response(201, ShiftSchema)
@blp.doc(security=SECURITY, responses=CONFLICT)
def create_shift(body, slug: str):
    """Créer une astreinte (coordination, admin). 409 : le professionnel est déjà d'astreinte."""
    session, principal = get_session(), require_auth()
    out = rota.create_shift(session, principal, get_cpts(session, slug), body)
    session.commit()
    return out


@blp.route("/shifts/<int:shift_id>", methods=["PATCH"])
@signed_in
@blp.arguments(ShiftPatchSchema(partial=True))
@blp.response(200, ShiftSchema)
@blp.doc(security=SECURITY, responses=CONFLICT)
def patch_shift(body, shift_id: int):
    """Modifier une astreinte ; `professional` la réassigne."""
    session, principal = get_session(), require_auth()
    out = rota.update_shift(session, principal, shift_id, body)
    session.commit()
    return out


@blp.route("/shifts/<int:shift_id>", methods=["DELETE"])
@signed_in
@blp.response(204)
@blp.doc(security=SECURITY)
def delete_shift(shift_id: int):
    """Supprimer une astreinte."""
    session, principal = get_session(), require_auth()
    rota.delete_shift(session, principal, shift_id)
    session.commit()
    return ""


@blp.route("/shifts/swap", methods=["POST"])
@signed_in
@blp.arguments(SwapSchema)
@blp.response(200, SwapOutSchema)
@blp.doc(security=SECURITY, responses=CONFLICT)
def swap(body):
    """Échanger les titulaires de deux astreintes (les deux ou aucun)."""
    session, principal = get_session(), require_auth()
    out = rota.swap_shifts(session, principal, body["first"], body["second"])
    session.commit()
    return {"shifts": out}


@blp.route("/cpts/<slug>/shifts/generate", methods=["POST"], parameters=[SLUG])
@signed_in
@blp.arguments(GenerateSchema)
@blp.response(200, GenerateOutSchema)
@blp.doc(security=SECURITY, responses=CONFLICT)
def generate(body, slug: str):
    """Générer une période : semaine type et tour de rôle, jours fériés et absences sautés.

    Relancer la même génération n'écrit rien de plus ; un chevauchement refuse tout (409) sauf
    avec on_conflict=skip. dry_run=true calcule sans écrire."""
    session, principal = get_session(), require_auth()
    out = rota_generate.generate_rota(session, principal, get_cpts(session, slug), body)
    session.commit()
    return out


@blp.route("/cpts/<slug>/oncall-hours", parameters=[SLUG])
@signed_in
@blp.response(200, HoursSchema)
@blp.doc(security=SECURITY)
def get_hours(slug: str):
    """Les heures où la CPTS veut une astreinte (par défaut : lundi–vendredi, 14 h–20 h)."""
    session, principal = get_session(), require_auth()
    cpts = get_cpts(session, slug)
    require_view_rota(session, principal, cpts.id)
    return rota_hours.rota_hours(session, cpts.id)


@blp.route("/cpts/<slug>/oncall-hours", methods=["PUT"], parameters=[SLUG])
@signed_in
@blp.arguments(RotaHoursSchema)
@blp.response(200, HoursSchema)
@blp.doc(security=SECURITY, responses={"422": "UNPROCESSABLE_ENTITY"})
def put_hours(body, slug: str):
    """Fixer les heures d'astreinte attendues (les trous du planning s'y mesurent)."""
    session, principal = get_session(), require_auth()
    out = rota_hours.set_rota_hours(session, principal, get_cpts(session, slug), body)
    session.commit()
    return out


@blp.route("/cpts/<slug>/shifts.csv", parameters=[SLUG])
@signed_in
@blp.arguments(RangeArgsSchema, location="query")
@blp.doc(security=SECURITY, responses={"200": {"description": "CSV (modèle : docs/rota-csv.md)",
                                               "content": {CSV: {"schema": {"type": "string"}}}}})
def export_csv(args, slug: str):
    """Exporter les astreintes d'une période en CSV (séparateur ;)."""
    session, principal = get_session(), require_auth()
    cpts = get_cpts(session, slug)
    start, end = default_range(args.get("start_date"), args.get("end_date"),
                               datetime.now(PARIS).date())
    text = rota_csv.export_csv(session, principal, cpts, start, end)
    name = f"astreintes-{cpts.slug}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response("\ufeff" + text, mimetype=CSV, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/cpts/<slug>/shifts.csv", methods=["POST"], parameters=[SLUG])
@signed_in
@blp.response(200, ImportOutSchema)
@blp.doc(security=SECURITY, responses=CONFLICT, requestBody={
    "required": True, "content": {CSV: {"schema": {"type": "string"}}},
    "description": "Le fichier CSV (UTF-8), modèle docs/rota-csv.md"})
def import_csv(slug: str):
    """Importer un CSV d'astreintes : tout ou rien (422 listant chaque ligne refusée)."""
    session, principal = get_session(), require_auth()
    cpts = get_cpts(session, slug)
    try:
        text = request.get_data().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("Fichier non UTF-8.", errors={"file": [
            "enregistrez le fichier en « CSV UTF-8 »"]}) from None
    out = rota_csv.import_csv(session, principal, cpts, text)
    session.commit()
    return out
