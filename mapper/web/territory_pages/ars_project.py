"""The ARS page of one CPTS (``/ars/projets/<slug>``): its map (territory, neighbours, overlaps
in red), measures, overlaps with each claimant and the shared communes, its history and the
decision form. A refused decision re-renders this page with the error next to the form and the
typed reason kept. The arbitration screen of a shared commune calls the API's use case."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ...config import get_settings
from ...db import get_session
from ...errors import Conflict, Forbidden, ValidationFailed
from ...http.pagemaps import page_map, page_texts, tiles
from ...http.principal import current_principal
from ...maps import OverlapFeature, TerritoryFeature
from ...maps.project import build_project_map
from ...messages import N_
from ...schemas.base import load
from ...schemas.territories import DecisionSchema
from ...services.pages.ars_project import ars_project, shared_commune
from ...services.territories import decide, get_cpts, record_arbitration
from ..guards import field_errors, page_roles
from .blueprint import bp
from .diagnostic import diagnostic_section

#: The decision form's words for a problem of a field.
WORDING = {"decision": N_("Choisissez « Valider » ou « Rejeter »."),
           "reason": N_("Le motif est obligatoire.")}
#: The history's words for the audit actions of a CPTS.
ACTIONS = {"cpts.create": N_("Création"), "cpts.update": N_("Modification"),
           "cpts.decision": N_("Décision de l'ARS"), "cpts.member_add": N_("Membre ajouté"),
           "cpts.member_remove": N_("Membre retiré"),
           "arbitration.record": N_("Arbitrage d'une commune partagée"),
           "conciliation.state": N_("Conciliation d'un chevauchement")}


def _project_map(page: dict):
    cpts = page["cpts"]
    subject = TerritoryFeature(cpts["id"], cpts["name"], cpts["slug"], cpts["status"],
                               page["geometry"], cpts["population"])
    neighbours = [TerritoryFeature(n["id"], n["name"], n["slug"], n["status"], n["geometry"],
                                   n["population"]) for n in page["neighbours"]]
    # one shape per overlapping area: CPTS sharing the same communes are listed together
    areas: dict = {}
    for o in page["overlaps"]:
        if o.get("geometry"):
            key = tuple(o["shared_communes"]) or ("cpts", o["cpts"]["id"])
            areas.setdefault(key, []).append(o)
    overlaps = [OverlapFeature(group[0]["geometry"], cpts["name"],
                               ", ".join(o["cpts"]["name"] for o in group),
                               group[0]["population_affected"], group[0]["overlap_area_km2"],
                               group[0]["population_method"] != "communes")
                for group in areas.values()]
    labels = {"subject": cpts["name"], "neighbours": gettext("CPTS voisines"),
              "overlaps": gettext("Chevauchements"), "title": gettext("Légende")}
    return page_map(build_project_map(
        subject, neighbours, overlaps, tiles(), labels=labels, texts=page_texts(),
        title=gettext("Territoire de %(name)s, voisines et chevauchements",
                      name=cpts["name"])))


def render_project(slug: str, errors=None, values=None, status: int = 200, **extra):
    """The page; ``extra`` carries the conciliation form's errors (``concil``)."""
    page = ars_project(get_session(), current_principal(), slug, get_settings())
    return render_template("web/ars_project.html", page_map=_project_map(page),
                           errors=errors or {}, values=values or {}, actions=ACTIONS,
                           **diagnostic_section({"cpts": str(page["cpts"]["id"])}),
                           concil=extra.get("concil") or {}, **page), status


@bp.route("/ars/projets/<slug>")
@page_roles("ars", "admin")
def ars_project_page(slug: str):
    return render_project(slug)


def _form_errors(exc: ValidationFailed, reason: str) -> dict[str, list[str]]:
    errors = field_errors(exc, mapping={"reason": "motif"}, default="decision")
    if "decision" in (exc.errors or {}):
        errors["decision"] = [WORDING["decision"]]
    if "reason" in (exc.errors or {}) and not reason:
        errors["motif"] = [WORDING["reason"]]
    return errors


@bp.route("/ars/projets/<slug>/decision", methods=["POST"])
@bp.route("/ars/decision/<int:cpts_id>", methods=["POST"])
@page_roles("ars", "admin")
def decision(slug: str | None = None, cpts_id: int | None = None):
    session, principal = get_session(), current_principal()
    cpts = get_cpts(session, slug if slug is not None else cpts_id)
    if not principal.can_act_in_region(cpts.region):
        raise Forbidden("Cette CPTS est hors des régions de votre compte.")
    choice = request.form.get("decision", "")
    reason = request.form.get("motif", "").strip()
    status = 422
    try:
        body = load(DecisionSchema(), {"decision": choice, "reason": reason})
        decide(session, principal, cpts, body["decision"], body["reason"],
               settings=get_settings())
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        status = exc.status
        errors = ({"decision": [exc.detail]} if isinstance(exc, Conflict)
                  else _form_errors(exc, reason))
        return render_project(cpts.slug, errors, {"decision": choice, "motif": reason},
                              status)
    session.commit()
    flash({"valide": gettext("%(name)s : CPTS validée.", name=cpts.name),
           "aci_signe": gettext("%(name)s : contrat ACI signé.", name=cpts.name)}.get(
               choice, gettext("%(name)s : CPTS rejetée.", name=cpts.name)))
    return redirect(url_for("territory_pages.ars_project_page", slug=cpts.slug) + "#decision")


def _render_arbitration(code: str, errors=None, values=None, status: int = 200):
    page = shared_commune(get_session(), current_principal(), code)
    return render_template("web/ars_arbitration.html", errors=errors or {},
                           values=values or {}, back=request.values.get("retour", ""),
                           **page), status


@bp.route("/ars/communes/<code>/arbitrage", methods=["GET", "POST"])
@page_roles("ars", "admin")
def arbitration(code: str):
    if request.method == "GET":
        return _render_arbitration(code)
    session, principal = get_session(), current_principal()
    chosen = [c for c in request.form.getlist("cpts") if c.isascii() and c.isdecimal()]
    reason = request.form.get("motif", "").strip()
    try:
        record_arbitration(session, principal, commune=code, cpts_ids=chosen, reason=reason)
    except (ValidationFailed, Forbidden) as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        errors = field_errors(exc, mapping={"reason": "motif"}, default="cpts")
        return _render_arbitration(code, errors, {"cpts": chosen, "motif": reason}, exc.status)
    session.commit()
    flash(gettext("Arbitrage enregistré."))
    back = request.form.get("retour", "")
    if back:
        return redirect(url_for("territory_pages.ars_project_page", slug=back) + "#chevauchements")
    return redirect(url_for("territory_pages.arbitration", code=code))
