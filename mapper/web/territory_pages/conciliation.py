"""The conciliation form of an overlap on the ARS page of a project: put it "en conciliation"
with a note. A refused change re-renders the project page with the error in the overlap's own
card and the typed note kept."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext

from ...config import get_settings
from ...db import get_session
from ...errors import Conflict, NotFound, ValidationFailed
from ...http.principal import current_principal
from ...messages import N_
from ...services.territories import get_cpts, set_in_conciliation
from ..guards import field_errors, page_roles
from .ars_project import render_project
from .blueprint import bp

WORDING = {"note": N_("La note est obligatoire : dites où en est la conciliation.")}


@bp.route("/ars/projets/<slug>/conciliation/<int:other>", methods=["POST"])
@page_roles("ars", "admin")
def conciliation(slug: str, other: int):
    session, principal = get_session(), current_principal()
    cpts = get_cpts(session, slug)
    note = request.form.get("note", "").strip()
    try:
        set_in_conciliation(session, principal, cpts.id, other, note, get_settings())
    except (ValidationFailed, Conflict, NotFound) as exc:
        session.rollback()
        errors = field_errors(exc, default="note")
        if "note" in (exc.errors or {}) and not note:
            errors["note"] = [WORDING["note"]]
        return render_project(cpts.slug, status=exc.status,
                              concil={"other": other, "errors": errors, "note": note})
    session.commit()
    flash(gettext("Chevauchement en conciliation : note enregistrée."))
    return redirect(url_for("territory_pages.ars_project_page", slug=cpts.slug)
                    + f"#chev-{other}")
