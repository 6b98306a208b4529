"""The colleagues pages (issue 17): /collegues (the members of my CPTS and the professionals
near my practice) and the vCards of a colleague and of my CPTS's members. What shows the
professional-only fields is decided by ``services.directory.colleague_access``."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from .. import labels
from ..db import get_session
from ..errors import ValidationFailed
from ..http.principal import current_principal
from ..schemas.base import load
from ..schemas.colleagues import ColleagueArgsSchema
from ..services.directory.lookup import resolve_cpts
from ..services.directory.vcards import colleague_card, cpts_cards
from ..services.pages.colleagues import colleagues_page
from .guards import field_errors, page_roles
from .vcards import serialize

bp = Blueprint("colleagues", __name__)
ROLES = ("professional", "coordinator", "admin")
VCARD = "text/vcard; charset=utf-8"


@bp.route("/collegues")
@page_roles(*ROLES)
def index():
    session, principal = get_session(), current_principal()
    errors: dict[str, list[str]] = {}
    try:
        args = load(ColleagueArgsSchema(), request.args.to_dict())
        page = colleagues_page(session, principal, args)
    except ValidationFailed as exc:
        session.rollback()
        errors = field_errors(exc, {"competencies": "competence"}, default="profession")
        args = {"profession": "", "competence": "", "adresses": False, "perimetre": "",
                "site": 0}
        page = colleagues_page(session, principal, args)
    status = 422 if errors else 200
    return render_template("web/colleagues.html", errors=errors,
                           referral_labels=labels.REFERRAL_PREFERENCE, **page), status


def _attachment(body: str, filename: str) -> Response:
    return Response(body, headers={
        "Content-Type": VCARD, "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/collegues/<int:professional_id>.vcf")
@page_roles(*ROLES)
def vcard(professional_id: int):
    body = serialize([colleague_card(get_session(), current_principal(), professional_id)])
    return _attachment(body, f"confrere-{professional_id}.vcf")


@bp.route("/collegues/cpts/<slug>.vcf")
@page_roles(*ROLES)
def cpts_vcard(slug: str):
    session = get_session()
    cpts_id = resolve_cpts(session, [slug])[0]
    return _attachment(serialize(cpts_cards(session, current_principal(), cpts_id)),
                       f"membres-{slug}.vcf")
