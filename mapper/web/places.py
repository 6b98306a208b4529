"""The coordinator's places (/cpts/<slug>/lieux): list, create, edit, delete, closures.

Views parse the form (``place_forms``), call one use case (``services.directory.places`` /
``closures``), and render; the use cases check the rights again and audit every write.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from .. import labels
from ..config import get_settings
from ..db import get_session
from ..errors import Conflict, Forbidden, ValidationFailed
from ..http.principal import current_principal
from ..services.directory import closures, places
from ..services.directory.access import can_manage_place
from ..services.geocoding import client_for
from ..services.territories import get_cpts
from ..vocab import PLACE_KINDS
from .guards import page_roles
from .place_forms import (closure_body, closure_errors, place_body, place_errors,
                          place_values)

bp = Blueprint("places_pages", __name__)
KINDS = [(k, labels.PLACE_KIND[k]) for k in PLACE_KINDS]


def _cpts(slug: str):
    session = get_session()
    cpts = get_cpts(session, slug)
    if not can_manage_place(current_principal(), cpts.id):
        raise Forbidden("Seuls le coordinateur de cette CPTS ou un administrateur gèrent ses "
                        "lieux.")
    return session, cpts


def _place(session, cpts, place_id: int) -> dict:
    place = places.place_view(session, place_id)
    if (place["cpts"] or {}).get("id") != cpts.id:
        raise Forbidden("Ce lieu n'est pas référencé par cette CPTS.")
    return place


@bp.route("/cpts/<slug>/lieux", methods=["GET", "POST"])
@page_roles("coordinator", "admin")
def place_list(slug: str):
    session, cpts = _cpts(slug)
    values, errors, status = place_values(), {}, 200
    if request.method == "POST":
        values = place_values(form=request.form)
        body, errors = place_body(session, values, cpts.id)
        if not errors:
            settings = get_settings()
            try:
                out = places.create_place(session, body, current_principal(), settings,
                                          client=client_for(settings))
            except (ValidationFailed, Conflict) as exc:
                session.rollback()
                errors = place_errors(exc)
            else:
                session.commit()
                flash(gettext("Lieu « %(name)s » ajouté.", name=out["name"]))
                return redirect(url_for("places_pages.place_list", slug=cpts.slug) + "#lieux")
        status = 422
    return render_template("web/places.html", cpts=cpts, kinds=KINDS, values=values,
                           errors=errors,
                           places=places.list_places(session, cpts=cpts.id)), status


def _render_place(session, cpts, place, values, errors, closure_values=None,
                  closure_errs=None, status=200):
    return render_template(
        "web/place.html", cpts=cpts, place=place, kinds=KINDS, values=values, errors=errors,
        closures=closures.list_closures(session, current_principal(), place_id=place["id"],
                                        since=date.today()),
        closure_values=closure_values or {}, closure_errors=closure_errs or {}), status


@bp.route("/cpts/<slug>/lieux/<int:place_id>", methods=["GET", "POST"])
@page_roles("coordinator", "admin")
def place_edit(slug: str, place_id: int):
    session, cpts = _cpts(slug)
    place = _place(session, cpts, place_id)
    if request.method == "GET":
        return _render_place(session, cpts, place, place_values(place), {})
    values = place_values(form=request.form)
    body, errors = place_body(session, values, cpts.id, current=place)
    if not errors:
        settings = get_settings()
        try:
            places.update_place(session, place_id, body, current_principal(), settings,
                                client=client_for(settings))
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            errors = place_errors(exc)
        else:
            session.commit()
            flash(gettext("Lieu enregistré."))
            return redirect(url_for("places_pages.place_edit", slug=cpts.slug,
                                    place_id=place_id))
    return _render_place(session, cpts, place, values, errors, status=422)


@bp.route("/cpts/<slug>/lieux/<int:place_id>/supprimer", methods=["POST"])
@page_roles("coordinator", "admin")
def place_delete(slug: str, place_id: int):
    session, cpts = _cpts(slug)
    place = _place(session, cpts, place_id)
    places.delete_place(session, place_id, current_principal())
    session.commit()
    flash(gettext("Lieu « %(name)s » supprimé.", name=place["name"]))
    return redirect(url_for("places_pages.place_list", slug=cpts.slug))


@bp.route("/cpts/<slug>/lieux/<int:place_id>/fermetures", methods=["POST"])
@page_roles("coordinator", "admin")
def place_closure_add(slug: str, place_id: int):
    session, cpts = _cpts(slug)
    place = _place(session, cpts, place_id)
    body, values, errors = closure_body(request.form)
    if not errors:
        try:
            closures.add_closure(session, current_principal(), body, place_id=place_id)
        except ValidationFailed as exc:
            session.rollback()
            errors = closure_errors(exc)
        else:
            session.commit()
            flash(gettext("Fermeture enregistrée."))
            return redirect(url_for("places_pages.place_edit", slug=cpts.slug,
                                    place_id=place_id) + "#fermetures")
    return _render_place(session, cpts, place, place_values(place), {}, values, errors, 422)


@bp.route("/cpts/<slug>/lieux/<int:place_id>/fermetures/<int:closure_id>/supprimer",
          methods=["POST"])
@page_roles("coordinator", "admin")
def place_closure_delete(slug: str, place_id: int, closure_id: int):
    session, cpts = _cpts(slug)
    _place(session, cpts, place_id)
    closures.delete_closure(session, current_principal(), closure_id, place_id=place_id)
    session.commit()
    flash(gettext("Fermeture supprimée."))
    return redirect(url_for("places_pages.place_edit", slug=cpts.slug, place_id=place_id)
                    + "#fermetures")
