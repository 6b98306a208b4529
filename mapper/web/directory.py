"""Pages of the directory: find a professional (/recherche), keep one's own entry (/moi).

Views parse the form, call one service, render. The search is a GET form: the query string is
the whole state, so a result page can be shared or bookmarked.
"""
from __future__ import annotations

import math
from datetime import time

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import get_settings
from ..auth import current_principal
from ..db import get_session
from ..errors import Conflict, Forbidden, ValidationFailed
from ..services import portal
from ..services.professionals import professional_private, update_professional
from .guards import field_errors, page_roles
from .page_maps import orientation_map

bp = Blueprint("directory", __name__)

SEARCH_FIELDS = ("adresse", "lat", "lon", "profession", "competence", "nouveaux_patients",
                 "ouvert", "domicile")
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
SLOT_KINDS = {"snp": "Soins non programmés", "vaccination": "Vaccination",
              "permanence": "Permanence"}
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
            found = portal.find_professionals(session, settings=get_settings(), **criteria)
        except ValidationFailed as exc:
            errors = field_errors(exc, mapping={f: f for f in ("adresse", "competence",
                                                               "profession")}, default="adresse")
        session.commit()  # keeps the geocoding cache's answer, if any
        if found is not None:
            page_map = orientation_map(found["results"], title="Résultats de la recherche")
    status = 422 if errors else 200
    without_position = url_for("directory.search", **{
        k: v for k, v in request.args.to_dict(flat=False).items() if k not in ("lat", "lon")})
    return render_template(
        "web/search.html", args=request.args, errors=errors, without_position=without_position,
        found=found, page_map=page_map, submitted=submitted, professions=portal.professions(session),
        competencies=portal.competencies(session), slot_kinds=SLOT_KINDS), status


# -- my entry -------------------------------------------------------------------------------

def _slot_rows(form) -> tuple[list[dict], list[dict], dict[str, list[str]], list[int]]:
    """Slots from the form rows: (for the service, rows to show again, errors, the form row of
    each slot sent)."""
    slots, rows, errors, origins = [], [], {}, []
    raw_count = form.get("creneaux", "0")
    count = min(int(raw_count), 50) if raw_count.isdigit() else 0
    for i in range(count):
        key = f"creneau-{i}"
        row = {"jour": form.get(f"{key}-jour", ""), "debut": form.get(f"{key}-debut", ""),
               "fin": form.get(f"{key}-fin", ""), "type": form.get(f"{key}-type", "snp"),
               "site": form.get(f"{key}-site", ""), "du": form.get(f"{key}-du", ""),
               "au": form.get(f"{key}-au", ""), "suppr": form.get(f"{key}-suppr") == "1"}
        rows.append(row)
        if row["suppr"] or not (row["debut"] or row["fin"]):
            continue
        problems = []
        if row["jour"] not in [str(d) for d in range(1, 8)]:
            problems.append("Choisissez un jour.")
        try:
            start = time.fromisoformat(row["debut"])
            end = time.fromisoformat(row["fin"])
        except ValueError:
            problems.append("Heures attendues au format HH:MM.")
        else:
            if start == end:
                problems.append("L'heure de fin doit différer de l'heure de début.")
        if row["type"] not in SLOT_KINDS:
            problems.append("Type de créneau inconnu.")
        if problems:
            errors[key] = problems
            continue
        slots.append({"weekday": int(row["jour"]), "start": start, "end": end,
                      "kind": row["type"],
                      "site": int(row["site"]) if row["site"].isdigit() else None,
                      "valid_from": _date(row["du"]), "valid_to": _date(row["au"])})
        origins.append(i)
    return slots, rows, errors, origins


def _date(raw: str):
    from datetime import date

    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _entry_form(session, form, entry) -> tuple[dict, dict, dict[str, list[str]]]:
    """The update body from the /moi form; (body, values to show again, errors)."""
    errors: dict[str, list[str]] = {}
    known = {c["slug"] for c in portal.competencies(session)}
    chosen = [c for c in form.getlist("competences") if c]
    if any(c not in known for c in chosen):
        errors["competences"] = ["Compétence inconnue."]
    accepting = {"oui": True, "non": False, "": None}.get(form.get("nouveaux_patients", ""), "x")
    if accepting == "x":
        errors["nouveaux_patients"] = ["Choisissez oui, non ou « non précisé »."]
    home = form.get("domicile") == "1"
    slots, rows, slot_errors, origins = _slot_rows(form)
    errors.update(slot_errors)
    body = {"competencies": chosen, "accepts_new_patients": None if accepting == "x" else accepting,
            "home_visits": home, "slots": slots}
    values = {"competences": chosen, "nouveaux_patients": form.get("nouveaux_patients", ""),
              "domicile": home, "zone_communes": form.get("zone_communes", ""),
              "zone_rayon": form.get("zone_rayon", ""), "slots": rows, "origins": origins}
    if not any(z["kind"] == "drawn" for z in entry["zones"]):
        zones = []
        if values["zone_communes"].strip():
            try:
                zones.append({"communes": portal.resolve_communes(
                    session, values["zone_communes"], field="zone_communes")})
            except ValidationFailed as exc:
                errors.update(field_errors(exc))
        radius_raw = values["zone_rayon"].strip().replace(",", ".")
        if radius_raw:
            try:
                radius = float(radius_raw)
            except ValueError:
                radius = -1
            if not (0 < radius <= 100):
                errors["zone_rayon"] = ["Rayon entre 0 et 100 km."]
            elif not entry["sites"] or entry["sites"][0]["lat"] is None:
                errors["zone_rayon"] = ["Votre lieu d'exercice n'est pas localisé : indiquez "
                                        "plutôt des communes."]
            else:
                zones.append({"radius_km": radius, "site": 0})
        body["zones"] = zones
    return body, values, errors


def _entry_values(entry: dict) -> dict:
    communes = [c for z in entry["zones"] if z["kind"] == "communes" for c in z["communes"]]
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
    return render_template("web/my_entry.html", entry=entry, values=values, slots=slots,
                           errors=errors, competencies=portal.competencies(session),
                           weekdays=WEEKDAYS, slot_kinds=SLOT_KINDS), status


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
        return _render_entry(session, entry, _entry_values(entry), {})
    body, values, errors = _entry_form(session, request.form, entry)
    if not errors:
        try:
            update_professional(session, professional_id, body, current_principal(),
                                get_settings())
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            errors = {}
            mapped = field_errors(exc, mapping={
                "competencies": "competences", "zones": "zone_communes",
                "accepts_new_patients": "nouveaux_patients"})
            for key, reasons in mapped.items():
                key = _slot_key(key, values["origins"])
                if key not in FORM_FIELDS and not key.startswith("creneau-"):
                    key = "_form"
                errors.setdefault(key, []).extend(reasons)
        else:
            session.commit()
            flash("Votre fiche est enregistrée et marquée comme à jour.")
            return redirect(url_for("directory.my_entry"))
    return _render_entry(session, entry, values, errors, 422)


def _slot_key(key: str, origins: list[int]) -> str:
    """``slots.2.end`` (service: the third slot sent) → ``creneau-<its form row>``."""
    parts = key.split(".")
    if parts[0] == "slots" and len(parts) > 1 and parts[1].isdigit() \
            and int(parts[1]) < len(origins):
        return f"creneau-{origins[int(parts[1])]}"
    return key


@bp.route("/moi/confirmer", methods=["POST"])
@page_roles("professional")
def confirm_entry():
    session = get_session()
    portal.confirm_entry(session, current_principal(), _my_id(), get_settings())
    session.commit()
    flash("Merci : votre fiche est confirmée comme exacte.")
    return redirect(url_for("directory.my_entry"))
