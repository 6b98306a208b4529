"""The page of a CPTS: territory, members by profession, orientation map, the widget's
configurator and snippets; its managers add and remove members, create entries, edit the
territory and the widget's colour."""
from __future__ import annotations

import re

from flask import flash, jsonify, redirect, render_template, request, session as cookie, url_for
from flask_babel import gettext

from ...config import get_settings
from ...db import get_session
from ...errors import Conflict, Forbidden, ValidationFailed
from ...http.pagemaps import results_map
from ...http.notices import notify_overlaps
from ...http.principal import current_principal
from ...http.snippets import widget_snippets
from ...schemas.colors import DEFAULT_COLOR
from ...schemas.widget import DEFAULT_HEIGHT, MAX_HEIGHT, MIN_HEIGHT, WidgetOptions
from ...services.communes import resolve_communes
from ...services.directory import add_member as add, create_professional
from ...services.geocoding import client_for
from ...services.pages.cpts_page import cpts_page as cpts_read_model
from ...services.pages.widget import member_professions
from ...services.territories import get_cpts, update_cpts
from ...services.territories.storage import member_iris
from ..entry_forms import NEW_ENTRY_FIELDS, new_entry_body, new_entry_errors
from ..guards import field_errors, page_roles
from .blueprint import bp
from .diagnostic import diagnostic_section


#: The flask-session key of the « Annuler » offered once after « Retirer » (``members``).
UNDO_KEY = "member_undo"


def undo_offer(cpts_id: int) -> dict | None:
    """The « Annuler » the CPTS page offers once, right after a removal."""
    offer = cookie.get(UNDO_KEY)
    if offer and offer.get("cpts") == cpts_id:
        cookie.pop(UNDO_KEY, None)
        return offer
    return None


def _widget_options() -> tuple[WidgetOptions, dict]:
    """The configurator's choices (a GET form: professions offered, height, colour)."""
    try:
        return WidgetOptions.from_args(request.args), {}
    except ValidationFailed as exc:
        return WidgetOptions(), {f"widget_{k}": v for k, v in (exc.errors or {}).items()}


def _render_cpts(slug: str, errors=None, values=None, status=200):
    session = get_session()
    page = cpts_read_model(session, current_principal(), slug, get_settings())
    cpts = page["cpts"]
    if cpts["slug"] != slug:
        return redirect(url_for("territory_pages.cpts_page", slug=cpts["slug"]))
    page_map = results_map(page["members"], page["geometry"],
                           title=gettext("Professionnels de %(name)s", name=cpts["name"]))
    options, option_errors = _widget_options()
    errors = {**option_errors, **(errors or {})}
    if option_errors and status == 200:
        status = 422
    widget = {"options": options, "professions": member_professions(session, cpts["id"]),
              "color": options.color or cpts.get("brand_color") or DEFAULT_COLOR,
              "bounds": (MIN_HEIGHT, MAX_HEIGHT, DEFAULT_HEIGHT),
              "snippets": widget_snippets(cpts["slug"], cpts["name"], options,
                                          cpts_color=cpts.get("brand_color")),
              "preview": url_for("embed.cpts_widget", slug=cpts["slug"], apercu="1",
                                 **dict(options.query_items(cpts.get("brand_color"))))}
    undo = undo_offer(cpts["id"]) if page["manager"] else None
    return render_template("web/cpts.html", page_map=page_map, widget=widget, undo=undo,
                           errors=errors, values=values or {},
                           **diagnostic_section({"cpts": str(cpts["id"])}), **page), status


@bp.route("/cpts/<slug>")
def cpts_page(slug: str):
    return _render_cpts(slug)


@bp.route("/cpts/<slug>/integration")
def widget_code(slug: str):
    """The snippets for the configurator's choices, as JSON (the configurator's live update;
    the same generator as the page). Bad choices: problem+json 422 by field."""
    cpts = get_cpts(get_session(), slug)
    options = WidgetOptions.from_args(request.args)
    return jsonify(widget_snippets(cpts.slug, cpts.name, options,
                                   cpts_color=cpts.brand_color).as_dict())


@bp.route("/cpts/<slug>/couleur", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def edit_color(slug: str):
    """The widget's colour of the CPTS (#rrggbb; empty: the default), as the API's PATCH."""
    session, principal, cpts = _managed(slug)
    raw = request.form.get("brand_color", "")
    try:
        update_cpts(session, principal, cpts, {"brand_color": raw.strip() or None},
                    settings=get_settings())
    except (ValidationFailed, Forbidden) as exc:
        session.rollback()
        return _render_cpts(cpts.slug, {"brand_color": field_errors(exc, default="brand_color")
                                        .get("brand_color") or [exc.detail]},
                            {"brand_color": raw}, exc.status)
    session.commit()
    return _back(cpts, "#integrer", gettext("Couleur du widget enregistrée."))


def _managed(slug: str):
    session, principal = get_session(), current_principal()
    cpts = get_cpts(session, slug)
    if not principal.can_manage_cpts(cpts.id, cpts.region):
        raise Forbidden("Vous ne gérez pas cette CPTS.")
    return session, principal, cpts


def _back(cpts, anchor: str, message: str):
    flash(message)
    return redirect(url_for("territory_pages.cpts_page", slug=cpts.slug) + anchor)


@bp.route("/cpts/<slug>/membres", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def add_member(slug: str):
    session, principal, cpts = _managed(slug)
    reference = request.form.get("professionnel", "")
    try:
        add(session, principal, cpts, reference)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        session.rollback()
        return _render_cpts(cpts.slug, {"professionnel": field_errors(
            exc, default="professionnel")["professionnel"]}, {"professionnel": reference},
            exc.status)
    session.commit()
    return _back(cpts, "#membres", "Membre ajouté.")


@bp.route("/cpts/<slug>/territoire", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def edit_territory(slug: str):
    session, principal, cpts = _managed(slug)
    raw = request.form.get("communes", "")
    raw_iris = request.form.get("iris", "")
    try:
        data = {"communes": resolve_communes(session, raw)}
        # IRIS of the communes the CPTS shares with others (codes of 9 digits); a form without
        # the field (an older page) keeps those it holds
        iris = ([c for c in re.split(r"[\s,;]+", raw_iris) if c] if "iris" in request.form
                else member_iris(session, cpts.id))
        if iris:
            data["iris"] = iris
        update_cpts(session, principal, cpts, data, settings=get_settings())
    except (ValidationFailed, Conflict, Forbidden) as exc:
        session.rollback()
        errors = field_errors(exc, {"iris": "iris"}, default="communes")
        if not errors.get("communes") and not errors.get("iris"):
            errors["communes"] = [exc.detail]
        return _render_cpts(cpts.slug, {k: v for k, v in errors.items()
                                        if k in ("communes", "iris")},
                            {"communes": raw, "iris": raw_iris}, exc.status)
    session.commit()
    notify_overlaps(session, principal, cpts, "update")
    return _back(cpts, "#territoire", "Territoire enregistré.")


@bp.route("/cpts/<slug>/fiches", methods=["POST"])
@page_roles("coordinator", "admin")
def create_entry(slug: str):
    """A coordinator adds a professional who has no entry yet; the practice address is
    geocoded on this write (cache, then the BAN, else the commune's point)."""
    session, principal, cpts = _managed(slug)
    body, errors = new_entry_body(session, request.form, cpts.id)
    values = {f"fiche_{k}": request.form.get(k, "") for k in NEW_ENTRY_FIELDS}
    status = 422
    if not errors:
        settings = get_settings()
        try:
            create_professional(session, body, principal, settings, client=client_for(settings))
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            status = exc.status
            errors = new_entry_errors(exc)
        else:
            session.commit()
            name = f"{body.get('first_name') or ''} {body['last_name']}".strip()
            return _back(cpts, "#membres", f"Fiche de {name} créée.")
    return _render_cpts(cpts.slug, {f"fiche_{k}": v for k, v in errors.items()}, values, status)
