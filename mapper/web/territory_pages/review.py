"""The ARS review of a région: projects and their overlaps, coverage and zones blanches,
decisions with a mandatory reason, history."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...config import get_settings
from ...db import get_session
from ...errors import Conflict, Forbidden, ValidationFailed
from ...http.principal import current_principal
from ...reference import REGIONS
from ...schemas.base import load
from ...schemas.territories import DecisionSchema
from ...services.pages.review import ars_review, regions_with_projects, review_regions
from ...services.territories import decide, get_cpts
from ..guards import field_errors, page_roles
from .blueprint import bp

#: The decision form's words for a problem of a field.
WORDING = {"decision": "Choisissez « Valider » ou « Rejeter ».",
           "reason": "Le motif est obligatoire."}


def _review_region(principal) -> tuple[str, list[str]]:
    allowed = review_regions(principal)
    region = request.values.get("region") or ""
    if not region:
        preferred = regions_with_projects(get_session(), allowed)
        region = (preferred or allowed or [""])[0]
    if region not in allowed:
        raise Forbidden("Cette région n'est pas dans le périmètre de votre compte.")
    return region, allowed


def _render_review(region: str, allowed: list[str], errors=None, values=None, status=200):
    page = ars_review(get_session(), region, get_settings())
    return render_template(
        "web/ars.html", region=region, region_name=REGIONS.get(region, region),
        regions=[(r, REGIONS.get(r, r)) for r in allowed], errors=errors or {},
        values=values or {}, **page), status


@bp.route("/ars")
@page_roles("ars", "admin")
def review():
    region, allowed = _review_region(current_principal())
    return _render_review(region, allowed)


def _form_errors(exc: ValidationFailed, reason: str) -> dict[str, list[str]]:
    errors = field_errors(exc, mapping={"reason": "motif"}, default="decision")
    if "decision" in (exc.errors or {}):
        errors["decision"] = [WORDING["decision"]]
    if "reason" in (exc.errors or {}) and not reason:
        errors["motif"] = [WORDING["reason"]]
    return errors


@bp.route("/ars/decision/<int:cpts_id>", methods=["POST"])
@page_roles("ars", "admin")
def decision(cpts_id: int):
    session, principal = get_session(), current_principal()
    cpts = get_cpts(session, cpts_id)
    if not principal.can_act_in_region(cpts.region):
        raise Forbidden("Cette CPTS est hors des régions de votre compte.")
    choice = request.form.get("decision", "")
    reason = request.form.get("motif", "").strip()
    status = 422
    try:
        body = load(DecisionSchema(), {"decision": choice, "reason": reason})
    except ValidationFailed as exc:
        errors = _form_errors(exc, reason)
    else:
        try:
            decide(session, principal, cpts, body["decision"], body["reason"],
                   settings=get_settings())
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
    return _render_review(cpts.region, review_regions(principal), {cpts_id: errors}, values,
                          status)
