"""Pages of the directory: find a professional (/recherche), keep one's own entry (/moi).

Views parse the form, call one service, render. The search is a GET form: the query string is
the whole state, so a result page can be shared or bookmarked.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ..config import get_settings
from ..db import get_session
from ..errors import Conflict, Forbidden, MapperError, ValidationFailed
from ..http.pagemaps import results_map
from ..http.principal import current_principal
from ..services.directory import (confirm_entry as confirm, professional_private,
                                  update_professional)
from ..services.directory.vocabularies import competencies, professions
from ..schemas.orientation import NAMES as PARAM_NAMES, OrientationParams
from ..services.pages.search import find_professionals
from .entry_forms import my_entry_body, my_entry_errors
from .entry_page import entry_form, entry_values
from .my_entry_parts import my_places_and_closures
from .guards import field_errors, page_roles
from .search_page import (competency_groups, language_choices, search_url, summary,
                          widen_links)

bp = Blueprint("directory", __name__)

#: The search's fields as the service names them → the page's parameters.
SEARCH_ERRORS = {"address": "adresse", "competency": "competence", "competencies": "competence",
                 "profession": "profession", "language": "langue", "radius_km": "rayon",
                 "near": "adresse", "covers": "adresse", "open_at": "disponible_le"}


@bp.route("/recherche")
def search():
    session = get_session()
    submitted = any(request.args.get(name, "").strip() for name in PARAM_NAMES)
    found, page_map, errors, params = None, None, {}, None
    try:
        params = OrientationParams.from_args(request.args)
    except ValidationFailed as exc:
        errors = field_errors(exc, mapping=SEARCH_ERRORS)
    if submitted and params is not None:
        try:
            found = find_professionals(session, params, settings=get_settings())
        except MapperError as exc:  # a field's problem, or no address service: said beside it
            errors = field_errors(exc, mapping=SEARCH_ERRORS, default="adresse")
        session.commit()  # keeps the geocoding cache's answer, if any
        if found is not None:
            searched = None if found.near is None else (
                *found.near, found.label or gettext("Votre position"))
            page_map = results_map(found.results, title=gettext("Résultats de la recherche"),
                                   searched=searched)
    return _render_search(session, params or OrientationParams(), found, page_map, errors,
                          submitted)


def _render_search(session, params, found, page_map, errors, submitted):
    all_professions, all_competencies = professions(session), competencies(session)
    profession_labels = {p["code"]: p["label"] for p in all_professions}
    competency_labels = {c["slug"]: c["label"] for c in all_competencies}
    without_position = search_url(params.replace(near=None))
    return render_template(
        "web/search.html", args=request.args, params=params, errors=errors,
        without_position=without_position, found=found, page_map=page_map,
        submitted=submitted, professions=all_professions,
        competency_groups=competency_groups(all_competencies),
        languages=language_choices(params.language),
        summary=summary(params, found, profession_labels, competency_labels),
        widen=widen_links(params, found.wider_radii_km) if found else [],
        profession_label=(profession_labels.get(params.professions[0])
                          if len(params.professions) == 1 else None),
        radius_choices=(2, 5, 10, 15, 20, 30, 50, 100)), 422 if errors else 200


# -- my entry -------------------------------------------------------------------------------

def render_entry(session, entry, values, errors, status=200, **extra):
    return render_template("web/my_entry.html",
                           **{**entry_form(session, entry, values, errors),
                              **my_places_and_closures(session, current_principal(), entry),
                              **extra}), status


def my_id() -> int:
    principal = current_principal()
    if principal.professional_id is None:
        raise Forbidden("Aucune fiche de professionnel n'est rattachée à votre compte.")
    return principal.professional_id


@bp.route("/moi", methods=["GET", "POST"])
@page_roles("professional")
def my_entry():
    session = get_session()
    professional_id = my_id()
    entry = professional_private(session, professional_id)
    if request.method == "GET":
        return render_entry(session, entry, entry_values(session, entry), {})
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
    return render_entry(session, entry, values, errors, 422)


@bp.route("/moi/confirmer", methods=["POST"])
@page_roles("professional")
def confirm_entry():
    session = get_session()
    confirm(session, current_principal(), my_id(), get_settings())
    session.commit()
    flash("Merci : votre fiche est confirmée comme exacte.")
    return redirect(url_for("directory.my_entry"))
