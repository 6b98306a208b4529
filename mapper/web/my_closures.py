"""/moi: the professional's closures (holidays, absences) and the place each practice site
belongs to. The same use cases as the API (``closures``, ``update_professional``)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext

from ..config import get_settings
from ..db import get_session
from ..errors import ValidationFailed
from ..http.principal import current_principal
from ..services.directory import closures, professional_private, update_professional
from .directory import my_id, render_entry, entry_values
from .guards import page_roles
from .place_forms import closure_body, closure_errors

bp = Blueprint("my_closures", __name__)


@bp.route("/moi/fermetures", methods=["POST"])
@page_roles("professional")
def add():
    session, professional_id = get_session(), my_id()
    body, values, errors = closure_body(request.form)
    if not errors:
        try:
            closures.add_closure(session, current_principal(), body,
                                 professional_id=professional_id)
        except ValidationFailed as exc:
            session.rollback()
            errors = closure_errors(exc)
        else:
            session.commit()
            flash(gettext("Fermeture enregistrée : vous n'apparaîtrez pas « ouvert » ces "
                          "jours-là."))
            return redirect(url_for("directory.my_entry") + "#fermetures")
    entry = professional_private(session, professional_id)
    return render_entry(session, entry, entry_values(session, entry), {}, 422,
                        closure_values=values, closure_errors=errors)


@bp.route("/moi/fermetures/<int:closure_id>/supprimer", methods=["POST"])
@page_roles("professional")
def remove(closure_id: int):
    session = get_session()
    closures.delete_closure(session, current_principal(), closure_id,
                            professional_id=my_id())
    session.commit()
    flash(gettext("Fermeture supprimée."))
    return redirect(url_for("directory.my_entry") + "#fermetures")


@bp.route("/moi/lieux", methods=["POST"])
@page_roles("professional")
def link_places():
    """Each site's place (« Exerce à … »), chosen among the places of the entry's CPTS."""
    session, professional_id = get_session(), my_id()
    entry = professional_private(session, professional_id)
    sites = []
    for i, s in enumerate(entry["sites"]):
        raw = request.form.get(f"site-{i}-lieu", "")
        place_id = int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 10 else None
        sites.append({"address": s["address"], "postcode": s["postcode"],
                      "commune": s["commune"], "name": s["name"], "phone": s["phone"],
                      "place_id": place_id})
    try:
        update_professional(session, professional_id, {"sites": sites}, current_principal(),
                            get_settings())
    except ValidationFailed as exc:
        session.rollback()
        return render_entry(session, entry, entry_values(session, entry), {}, 422,
                            place_errors=[str(r) for v in (exc.errors or {}).values()
                                          for r in v] or [exc.detail])
    session.commit()
    flash(gettext("Lieux d'exercice enregistrés."))
    return redirect(url_for("directory.my_entry") + "#mes-lieux")
