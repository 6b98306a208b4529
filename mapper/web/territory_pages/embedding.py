"""The CPTS page's « Sites autorisés » form: the CPTS's website and the sites allowed to show
its widget (one per line), written by the same use case as the API's PATCH; the reasons come
back beside each field, the page opened at the form."""
from __future__ import annotations

from flask import request
from flask_babel import gettext

from ...config import get_settings
from ...errors import Forbidden, ValidationFailed
from ...services.territories.embedding import update_embedding
from ..guards import field_errors, page_roles
from .blueprint import bp
from .cpts import _back, _managed, _render_cpts

#: The service's fields → the form's.
FIELDS = {"website": "site_web", "embed_origins": "origines"}


@bp.route("/cpts/<slug>/sites", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def edit_sites(slug: str):
    session, principal, cpts = _managed(slug)
    values = {"site_web": request.form.get("site_web", ""),
              "origines": request.form.get("origines", "")}
    try:
        update_embedding(session, principal, cpts, website=values["site_web"].strip() or None,
                         origins=values["origines"].splitlines(), settings=get_settings())
    except (ValidationFailed, Forbidden) as exc:
        session.rollback()
        return _render_cpts(cpts.slug, field_errors(exc, mapping=FIELDS, default="origines"),
                            values, exc.status)
    session.commit()
    return _back(cpts, "#sites-autorises", gettext("Sites autorisés enregistrés."))
