"""A member's entry kept by the CPTS's coordinator (or an admin): the /moi form
(templates/web/_entry_form.html, read by ``entry_forms.my_entry_body``) on
``/cpts/<slug>/membres/<id>/fiche``. The scope is the directory's one rule
(``services.directory.access.can_edit``: the coordinator of a CPTS the professional belongs
to), enforced again by ``update_professional``, which writes and audits."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ...config import get_settings
from ...db import get_session
from ...errors import Conflict, ValidationFailed
from ...services.directory import professional_private, update_professional
from ...services.directory.access import require_edit
from ...services.directory.members import member_entry
from ..entry_forms import my_entry_body, my_entry_errors
from ..entry_page import entry_form, entry_values
from ..guards import page_roles
from .blueprint import bp
from .cpts import _managed


def _render(cpts, entry, values, errors, status=200):
    name = f"{entry['first_name'] or ''} {entry['last_name']}".strip()
    return render_template("web/member_entry.html", cpts=cpts, name=name,
                           entry_action=url_for("territory_pages.member_entry_page",
                                                slug=cpts.slug, professional_id=entry["id"]),
                           **entry_form(get_session(), entry, values, errors)), status


@bp.route("/cpts/<slug>/membres/<int:professional_id>/fiche", methods=["GET", "POST"])
@page_roles("coordinator", "admin")
def member_entry_page(slug: str, professional_id: int):
    session, principal, cpts = _managed(slug)
    member_entry(session, cpts, professional_id)  # 404 unless a member of this CPTS
    require_edit(session, principal, professional_id)
    entry = professional_private(session, professional_id)
    if request.method == "GET":
        return _render(cpts, entry, entry_values(session, entry), {})
    body, values, errors = my_entry_body(session, request.form, entry)
    if not errors:
        try:
            update_professional(session, professional_id, body, principal, get_settings())
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            errors = my_entry_errors(exc, values["origins"])
        else:
            session.commit()
            flash(gettext("Fiche de %(name)s enregistrée.",
                          name=f"{entry['first_name'] or ''} {entry['last_name']}".strip()))
            return redirect(url_for("territory_pages.member_entry_page", slug=cpts.slug,
                                    professional_id=professional_id))
    return _render(cpts, entry, values, errors, 422)
