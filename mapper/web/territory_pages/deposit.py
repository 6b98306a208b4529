"""« Déposer ce territoire comme projet »: the form under the checker's report. The territory
travels in the form as the report gave it (the codes of a commune list, or the drawing already
reprojected to WGS84) and goes through ``services.territories.deposit``: a coordinator's own
CPTS is updated (replacing a territory needs the confirmation box), an ARS officer or an
administrator creates a new CPTS. Success leads to the CPTS's page; a refusal shows the report
again with the reason next to the deposit form."""
from __future__ import annotations

import json

from flask import flash, redirect, request, url_for
from flask_babel import gettext

from ...config import get_settings
from ...db import get_session
from ...errors import Conflict, Forbidden, ValidationFailed
from ...http.notices import notify_overlaps
from ...http.principal import current_principal
from ...services.territories import territory_report
from ...services.territories.deposit import deposit_territory
from ..guards import field_errors, page_roles
from .blueprint import bp
from .check import render_check

#: Service fields → the deposit form's fields; anything else is shown above the form.
FIELDS = {"name": "nom", "replace": "remplacer"}


def _territory(form) -> tuple[dict, dict]:
    """(territory arguments for the services, what the checker's forms were asked)."""
    repair = form.get("reparer") == "1"
    raw = form.get("geometrie") or ""
    if raw:
        try:
            geometry = json.loads(raw)
        except ValueError:
            geometry = raw  # the services refuse it with their own message
        return ({"geometry": geometry, "repair": repair},
                {"communes": "", "geometrie": raw, "reparer": repair, "iris": ""})
    codes = [c.strip() for c in (form.get("communes") or "").split(",") if c.strip()]
    iris = [c.strip() for c in (form.get("iris") or "").split(",") if c.strip()]
    asked = {"communes": "\n".join(codes), "geometrie": None, "reparer": False,
             "iris": " ".join(iris)}
    if iris:
        return {"communes": codes or None, "iris": iris}, asked
    return {"communes": codes}, asked


@bp.route("/territoires/verifier/deposer", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def deposit():
    session, principal, settings = get_session(), current_principal(), get_settings()
    territory, asked = _territory(request.form)
    values = {"nom": request.form.get("nom", ""),
              "remplacer": request.form.get("remplacer") == "1"}
    try:
        cpts = deposit_territory(session, principal, name=values["nom"],
                                 replace=values["remplacer"], settings=settings, **territory)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        session.rollback()
        errors: dict[str, list[str]] = {"depot": [exc.detail]}
        for key, reasons in field_errors(exc, mapping=FIELDS).items():
            if key in FIELDS.values():
                errors[key] = reasons
            elif key != "_form":
                errors["depot"].extend(r for r in reasons if r not in errors["depot"])
        try:
            report = territory_report(session, settings=settings, **territory)
        except ValidationFailed as bad:
            return render_check(None, field_errors(bad, mapping={"geometry": "fichier",
                                                                 "iris": "iris"},
                                                   default="communes"), asked)
        return render_check(report, {}, asked, deposit_errors=errors, deposit_values=values,
                            status=exc.status)
    session.commit()
    notify_overlaps(session, principal, cpts,
                    "update" if principal.role == "coordinator" else "create")
    flash(gettext("Territoire déposé : « %(name)s » est un projet de CPTS.", name=cpts.name))
    return redirect(url_for("territory_pages.cpts_page", slug=cpts.slug) + "#territoire")
