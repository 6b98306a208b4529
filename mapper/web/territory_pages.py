"""Pages of the territories: the territory checker, the ARS review, the page of a CPTS.

The checker is public and writes nothing: a list of communes is a GET form (the URL is the
report, shareable), an uploaded GeoJSON is a POST. The ARS review and a CPTS's management
forms are for the roles and scopes the territory services enforce again.
"""
from __future__ import annotations

import json

from markupsafe import escape

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   url_for)

from .. import get_settings
from ..auth import current_principal
from ..db import get_session
from ..errors import Conflict, Forbidden, ValidationFailed
from ..reference import REGIONS
from ..services import portal
from ..services.cpts import decide, get_cpts, update_cpts
from .guards import field_errors, page_roles
from .page_maps import orientation_map, report_map

bp = Blueprint("territory_pages", __name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


# -- the territory checker ------------------------------------------------------------------

def _uploaded_geometry(form, files) -> tuple[object | None, dict[str, list[str]]]:
    """The GeoJSON object of the upload (or of the hidden field of a download form)."""
    raw = None
    upload = files.get("fichier")
    if upload is not None and upload.filename:
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            return None, {"fichier": ["Fichier trop volumineux : 20 Mo au plus."]}
    elif form.get("geometrie"):
        raw = form["geometrie"].encode()
    if not raw:
        return None, {"fichier": ["Choisissez un fichier GeoJSON."]}
    try:
        return json.loads(raw.decode("utf-8-sig")), {}
    except (UnicodeDecodeError, ValueError):
        return None, {"fichier": ["Ce fichier n'est pas un GeoJSON valide (JSON illisible)."]}


def _report_from_request() -> tuple[dict | None, dict[str, list[str]], dict]:
    """(report, errors, what was asked) from a GET (communes) or a POST (GeoJSON)."""
    session, settings = get_session(), get_settings()
    asked = {"communes": request.values.get("communes", ""), "geometrie": None,
             "reparer": request.values.get("reparer") == "1"}
    try:
        if request.method == "POST":
            geometry, errors = _uploaded_geometry(request.form, request.files)
            if errors:
                return None, errors, asked
            report = portal.territory_report(session, geometry=geometry, settings=settings,
                                             repair=asked["reparer"])
            asked["geometrie"] = json.dumps(report["geometry"], separators=(",", ":"))
        else:
            codes = portal.resolve_communes(session, asked["communes"])
            report = portal.territory_report(session, communes=codes, settings=settings)
    except ValidationFailed as exc:
        default = "communes" if request.method == "GET" else "fichier"
        return None, field_errors(exc, mapping={"geometry": "fichier"}, default=default), asked
    return report, {}, asked


@bp.route("/territoires/verifier", methods=["GET", "POST"])
def check():
    asked = {"communes": "", "reparer": False}
    report, errors, page_map = None, {}, None
    if request.method == "POST" or request.args.get("communes") is not None:
        report, errors, asked = _report_from_request()
    if report is not None:
        page_map = report_map(report)
    return render_template("web/check.html", report=report, errors=errors, asked=asked,
                           page_map=page_map), 422 if errors else 200


@bp.route("/territoires/verifier/rapport.<fmt>", methods=["GET", "POST"])
def report_download(fmt: str):
    if fmt not in ("csv", "geojson"):
        abort(404)
    report, errors, _ = _report_from_request()
    if report is None:
        raise ValidationFailed("Territoire invalide : corrigez-le sur la page de vérification.",
                               errors=errors)
    headers = {"Content-Disposition": f'attachment; filename="rapport-territoire.{fmt}"'}
    if fmt == "csv":
        return Response("\ufeff" + portal.report_csv(report), mimetype="text/csv",
                        headers=headers)
    return Response(json.dumps(portal.report_geojson(report), ensure_ascii=False),
                    mimetype="application/geo+json", headers=headers)


# -- ARS review -----------------------------------------------------------------------------

def _review_region(principal) -> tuple[str, list[str]]:
    allowed = portal.review_regions(principal)
    region = request.values.get("region") or ""
    if not region:
        preferred = portal.regions_with_projects(get_session(), allowed)
        region = (preferred or allowed or [""])[0]
    if region not in allowed:
        raise Forbidden("Cette région n'est pas dans le périmètre de votre compte.")
    return region, allowed


def _render_review(region: str, allowed: list[str], errors=None, values=None, status=200):
    page = portal.ars_review(get_session(), region, get_settings())
    return render_template(
        "web/ars.html", region=region, region_name=REGIONS.get(region, region),
        regions=[(r, REGIONS.get(r, r)) for r in allowed], errors=errors or {},
        values=values or {}, **page), status


@bp.route("/ars")
@page_roles("ars", "admin")
def review():
    region, allowed = _review_region(current_principal())
    return _render_review(region, allowed)


@bp.route("/ars/decision/<int:cpts_id>", methods=["POST"])
@page_roles("ars", "admin")
def decision(cpts_id: int):
    session, principal = get_session(), current_principal()
    cpts = get_cpts(session, cpts_id)
    if not principal.can_act_in_region(cpts.region):
        raise Forbidden("Cette CPTS est hors des régions de votre compte.")
    allowed = portal.review_regions(principal)
    choice = request.form.get("decision", "")
    reason = request.form.get("motif", "").strip()
    errors = {}
    if choice not in ("valide", "rejete"):
        errors["decision"] = ["Choisissez « Valider » ou « Rejeter »."]
    if not reason:
        errors["motif"] = ["Le motif est obligatoire."]
    elif len(reason) > 2000:
        errors["motif"] = ["Motif trop long : 2 000 caractères au plus."]
    status = 422
    if not errors:
        try:
            decide(session, principal, cpts, choice, reason, settings=get_settings())
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            status = exc.status
            errors = field_errors(exc, mapping={"reason": "motif", "communes": "decision",
                                                "geometry": "decision"}, default="decision")
        else:
            session.commit()
            word = "validée" if choice == "valide" else "rejetée"
            flash(f"{cpts.name} : CPTS {word}.")
            return redirect(url_for("territory_pages.review", region=cpts.region))
    values = {"cpts_id": cpts_id, "decision": choice, "motif": reason}
    return _render_review(cpts.region, allowed, {cpts_id: errors}, values, status)


# -- the page of a CPTS ---------------------------------------------------------------------

def _render_cpts(slug: str, errors=None, values=None, status=200):
    page = portal.cpts_page(get_session(), current_principal(), slug, get_settings())
    cpts = page["cpts"]
    if cpts["slug"] != slug:
        return redirect(url_for("territory_pages.cpts_page", slug=cpts["slug"]))
    embed_url = request.url_root.rstrip("/") + f"/embed/cpts/{cpts['slug']}"
    snippet = (f'<iframe src="{escape(embed_url)}" '
               f'title="Carte des professionnels de santé — {escape(cpts["name"])}" '
               f'width="100%" height="520" style="border:0" loading="lazy"></iframe>')
    page_map = orientation_map(page["members"], page["geometry"],
                               title=f"Professionnels de {cpts['name']}")
    return render_template("web/cpts.html", page_map=page_map, snippet=snippet,
                           errors=errors or {}, values=values or {}, **page), status


@bp.route("/cpts/<slug>")
def cpts_page(slug: str):
    return _render_cpts(slug)


def _managed(slug: str):
    session, principal = get_session(), current_principal()
    cpts = get_cpts(session, slug)
    if not principal.can_manage_cpts(cpts.id, cpts.region):
        raise Forbidden("Vous ne gérez pas cette CPTS.")
    return session, principal, cpts


@bp.route("/cpts/<slug>/membres", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def add_member(slug: str):
    session, principal, cpts = _managed(slug)
    reference = request.form.get("professionnel", "")
    try:
        portal.add_member(session, principal, cpts, reference)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        session.rollback()
        return _render_cpts(cpts.slug, {"professionnel": field_errors(
            exc, default="professionnel")["professionnel"]}, {"professionnel": reference},
            exc.status)
    session.commit()
    flash("Membre ajouté.")
    return redirect(url_for("territory_pages.cpts_page", slug=cpts.slug) + "#membres")


@bp.route("/cpts/<slug>/membres/<int:professional_id>/retirer", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def remove_member(slug: str, professional_id: int):
    session, principal, cpts = _managed(slug)
    portal.remove_member(session, principal, cpts, professional_id)
    session.commit()
    flash("Membre retiré de la CPTS.")
    return redirect(url_for("territory_pages.cpts_page", slug=cpts.slug) + "#membres")


@bp.route("/cpts/<slug>/territoire", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def edit_territory(slug: str):
    session, principal, cpts = _managed(slug)
    raw = request.form.get("communes", "")
    try:
        codes = portal.resolve_communes(session, raw)
        update_cpts(session, principal, cpts, {"communes": codes}, settings=get_settings())
    except (ValidationFailed, Conflict, Forbidden) as exc:
        session.rollback()
        return _render_cpts(cpts.slug, {"communes": field_errors(exc, default="communes")
                                        .get("communes") or [exc.detail]},
                            {"communes": raw}, exc.status)
    session.commit()
    flash("Territoire enregistré.")
    return redirect(url_for("territory_pages.cpts_page", slug=cpts.slug) + "#territoire")


NEW_ENTRY_FIELDS = ("nom", "prenom", "profession", "rpps", "telephone", "adresse",
                    "code_postal", "commune")


def _new_entry_body(session, form, cpts_id: int) -> tuple[dict, dict[str, list[str]]]:
    """The create body from the "new entry" form of a CPTS page; (body, errors)."""
    import re

    values = {k: form.get(k, "").strip() for k in NEW_ENTRY_FIELDS}
    errors: dict[str, list[str]] = {}
    if not values["nom"]:
        errors["nom"] = ["Le nom est obligatoire."]
    if values["profession"] not in {p["code"] for p in portal.professions(session)}:
        errors["profession"] = ["Choisissez une profession."]
    if values["rpps"] and not re.fullmatch(r"\d{11}", values["rpps"]):
        errors["rpps"] = ["Le numéro RPPS a 11 chiffres."]
    if len(values["adresse"]) < 3:
        errors["adresse"] = ["L'adresse du lieu d'exercice est obligatoire."]
    if values["code_postal"] and not re.fullmatch(r"\d{5}", values["code_postal"]):
        errors["code_postal"] = ["Le code postal a 5 chiffres."]
    commune = None
    if values["commune"]:
        try:
            codes = portal.resolve_communes(session, values["commune"], field="commune")
        except ValidationFailed as exc:
            errors.update(field_errors(exc, default="commune"))
        else:
            if len(codes) != 1:
                errors["commune"] = ["Une seule commune."]
            else:
                commune = codes[0]
    body = {"last_name": values["nom"], "first_name": values["prenom"],
            "profession": values["profession"], "rpps": values["rpps"] or None,
            "phone": values["telephone"] or None, "cpts": [cpts_id],
            "sites": [{"address": values["adresse"], "postcode": values["code_postal"] or None,
                       "commune": commune}]}
    return body, errors


@bp.route("/cpts/<slug>/fiches", methods=["POST"])
@page_roles("coordinator", "admin")
def create_entry(slug: str):
    """A coordinator adds a professional who has no entry yet; the practice address is
    geocoded on this write (cache, then the BAN, else the commune's point)."""
    from ..services.geocoding import client_for
    from ..services.professionals import create_professional

    session, principal, cpts = _managed(slug)
    body, errors = _new_entry_body(session, request.form, cpts.id)
    values = {f"fiche_{k}": request.form.get(k, "") for k in NEW_ENTRY_FIELDS}
    status = 422
    if not errors:
        settings = get_settings()
        try:
            create_professional(session, body, principal, settings,
                                client=client_for(settings))
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            status = exc.status
            errors = field_errors(exc, mapping={
                "last_name": "nom", "profession": "profession", "rpps": "rpps",
                "sites.0.address": "adresse", "sites.0.lat": "adresse"}, default="nom")
        else:
            session.commit()
            flash(f"Fiche de {body['first_name']} {body['last_name']} créée.".replace("  ", " "))
            return redirect(url_for("territory_pages.cpts_page", slug=cpts.slug) + "#membres")
    return _render_cpts(cpts.slug, {f"fiche_{k}": v for k, v in errors.items()}, values, status)
