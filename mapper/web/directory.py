"""Pages of the directory: find a professional (/recherche), keep one's own entry (/moi).

Views parse the form, call one service, render. The search is a GET form: the query string is
the whole state, so a result page can be shared or bookmarked.
"""
from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import labels
from ..config import get_settings
from ..db import get_session
from ..errors import Conflict, Forbidden, MapperError, ValidationFailed
from ..http.pagemaps import results_map
from ..http.principal import current_principal
from ..services.communes import commune_labels
from ..services.directory import (confirm_entry as confirm, professional_private,
                                  update_professional)
from ..services.directory.vocabularies import competencies, professions
from ..services.pages.search import find_professionals
from ..vocab import SLOT_KINDS
from .entry_forms import my_entry_body, my_entry_errors
from .guards import field_errors, page_roles

bp = Blueprint("directory", __name__)

SEARCH_FIELDS = ("adresse", "lat", "lon", "profession", "competence", "nouveaux_patients",
                 "ouvert", "domicile")
#: The search's fields as the service names them → the form's fields.
SEARCH_ERRORS = {"address": "adresse", "competency": "competence", "competencies": "competence",
                 "profession": "profession"}
SLOT_KIND_CHOICES = {k: labels.slot_kind(k).capitalize() for k in SLOT_KINDS}
BLANK_SLOTS = 2
FORM_FIELDS = ("competences", "nouveaux_patients", "domicile", "zone_communes", "zone_rayon")


def _coordinate(raw: str, low: float, high: float) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def _parse_search(args) -> tuple[dict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    address = args.get("adresse", "").strip()
    near = None
    lat_raw, lon_raw = args.get("lat", "").strip(), args.get("lon", "").strip()
    if lat_raw or lon_raw:
        lat, lon = _coordinate(lat_raw, -90, 90), _coordinate(lon_raw, -180, 180)
        if lat is None or lon is None:
            errors["adresse"] = ["Position invalide : autorisez la géolocalisation ou "
                                 "saisissez une adresse."]
        else:
            near = (lat, lon)
    if address and len(address) < 3:
        errors["adresse"] = ["Adresse trop courte : 3 caractères au moins."]
    elif len(address) > 200:
        errors["adresse"] = ["Adresse trop longue : 200 caractères au plus."]
    criteria = {
        "address": address or None, "near": near,
        "professions": [p for p in args.getlist("profession") if p][:5],
        "competencies": [c for c in args.getlist("competence") if c][:5],
        "accepting_new_patients": args.get("nouveaux_patients") == "1",
        "open_now": args.get("ouvert") == "1",
        "covers_me": args.get("domicile") == "1",
    }
    return criteria, errors


@bp.route("/recherche")
def search():
    session = get_session()
    submitted = any(request.args.get(f) for f in SEARCH_FIELDS)
    criteria, errors = _parse_search(request.args)
    found, page_map = None, None
    if submitted and not errors:
        try:
            found = find_professionals(session, settings=get_settings(), **criteria)
        except MapperError as exc:  # a field's problem, or no address service: said beside it
            errors = field_errors(exc, mapping=SEARCH_ERRORS, default="adresse")
        session.commit()  # keeps the geocoding cache's answer, if any
        if found is not None:
            page_map = results_map(found["results"], title="Résultats de la recherche")
    without_position = url_for("directory.search", **{
        k: v for k, v in request.args.to_dict(flat=False).items() if k not in ("lat", "lon")})
    return render_template(
        "web/search.html", args=request.args, errors=errors, without_position=without_position,
        found=found, page_map=page_map, submitted=submitted, professions=professions(session),
        competencies=competencies(session), slot_kinds=SLOT_KIND_CHOICES), \
        422 if errors else 200


# -- my entry -------------------------------------------------------------------------------

def _entry_values(session, entry: dict) -> dict:
    communes = commune_labels(session, [c for z in entry["zones"] if z["kind"] == "communes"
                                        for c in z["communes"]])
    radius = next((z["radius_km"] for z in entry["zones"] if z["kind"] == "radius"), None)
    accepting = entry["accepts_new_patients"]
    return {
        "competences": entry["competencies"],
        "nouveaux_patients": "" if accepting is None else ("oui" if accepting else "non"),
        "domicile": entry["home_visits"], "zone_communes": "\n".join(communes),
        "zone_rayon": "" if radius is None else f"{radius:g}",
        "slots": [{"jour": str(s["weekday"]), "debut": s["start"], "fin": s["end"],
                   "type": s["kind"], "site": "" if s["site"] is None else str(s["site"]),
                   "du": s["valid_from"] or "", "au": s["valid_to"] or "", "suppr": False}
                  for s in entry["slots"]],
    }


def _render_entry(session, entry, values, errors, status=200):
    slots = list(values["slots"])
    slots += [{"jour": "", "debut": "", "fin": "", "type": "snp", "site": "", "du": "",
               "au": "", "suppr": False} for _ in range(BLANK_SLOTS)]
    errors = {k if k in FORM_FIELDS or k.startswith("creneau-") else "_form": v
              for k, v in errors.items()}
    return render_template("web/my_entry.html", entry=entry, values=values, slots=slots,
                           errors=errors, competencies=competencies(session),
                           weekdays=labels.WEEKDAY, slot_kinds=SLOT_KIND_CHOICES), status


def _my_id() -> int:
    principal = current_principal()
    if principal.professional_id is None:
        raise Forbidden("Aucune fiche de professionnel n'est rattachée à votre compte.")
    return principal.professional_id


@bp.route("/moi", methods=["GET", "POST"])
@page_roles("professional")
def my_entry():
    session = get_session()
    professional_id = _my_id()
    entry = professional_private(session, professional_id)
    if request.method == "GET":
        return _render_entry(session, entry, _entry_values(session, entry), {})
    body, values, errors = my_entry_body(session, request.form, entry)
    if not errors:
        try:
            update_professional(session, professional_id, body, current_principal(),
                                get_settings())
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            errors = my_entry_errors(exc, values["origins"])
        else:
            session.commit()
            flash("Votre fiche est enregistrée et marquée comme à jour.")
            return redirect(url_for("directory.my_entry"))
    return _render_entry(session, entry, values, errors, 422)


@bp.route("/moi/confirmer", methods=["POST"])
@page_roles("professional")
def confirm_entry():
    session = get_session()
    confirm(session, current_principal(), _my_id(), get_settings())
    session.commit()
    flash("Merci : votre fiche est confirmée comme exacte.")
    return redirect(url_for("directory.my_entry"))
