"""The coordinator's campaign pages: /cpts/<slug>/campagnes (list, create) and
/cpts/<slug>/campagnes/<campagne> (edit the campaign; add, edit, delete permanences).

Each POST calls one use case in one transaction; a refusal re-renders the page with the French
reasons next to the fields (4xx) and writes nothing."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ...db import get_session
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...http.principal import current_principal
from ...services.directory import campaigns as svc
from ...services.directory import permanence_writes as writes
from ...services.pages.campaign_pages import campaign_page, campaigns_page
from ...services.territories import get_cpts
from ...vocab import APPOINTMENT_MODES, CAMPAIGN_KINDS
from ..guards import page_roles
from . import forms
from .blueprint import bp

ROLES = ("coordinator", "admin")
REFUSED = (ValidationFailed, Conflict, Forbidden)
#: what the add form keeps after a permanence is added (the next one is usually alike)
KEPT = ("lieu", "debut", "fin", "rendez_vous", "capacite")


def _context(session, slug: str):
    principal = current_principal()
    cpts = get_cpts(session, slug)
    svc.require_manage(principal, cpts.id)
    return principal, cpts


def _render_list(cpts, errors=None, values=None, status=200):
    page = campaigns_page(get_session(), current_principal(), cpts)
    return render_template("web/campaigns.html", errors=errors or {}, values=values or {
        "publique": True}, kinds=CAMPAIGN_KINDS, **page), status


@bp.route("/cpts/<slug>/campagnes")
@page_roles(*ROLES)
def campaigns(slug: str):
    _, cpts = _context(get_session(), slug)
    return _render_list(cpts)


@bp.route("/cpts/<slug>/campagnes", methods=["POST"])
@page_roles(*ROLES)
def create_campaign(slug: str):
    session = get_session()
    principal, cpts = _context(session, slug)
    try:
        campaign = svc.create_campaign(session, principal, cpts.id,
                                       forms.campaign_body(request.form))
    except REFUSED as exc:
        session.rollback()
        return _render_list(cpts, forms.campaign_errors(exc),
                            forms.campaign_values(request.form), exc.status)
    session.commit()
    flash(gettext("Campagne créée : ajoutez ses permanences."))
    return redirect(url_for(".campaign", slug=cpts.slug, key=campaign.slug))


def _render_campaign(cpts, key: str, *, errors=None, values=None, target="ajout", status=200):
    """``target``: the form the errors and values belong to (``campagne``, ``ajout`` or a
    permanence's id)."""
    page = campaign_page(get_session(), current_principal(), cpts, key)
    added = {k: request.args.get(k, "") for k in KEPT} if request.method == "GET" else {}
    return render_template(
        "web/campaign.html", errors=errors or {}, values=values or {}, target=str(target),
        added=added, kinds=CAMPAIGN_KINDS, modes=APPOINTMENT_MODES, **page), status


@bp.route("/cpts/<slug>/campagnes/<key>")
@page_roles(*ROLES)
def campaign(slug: str, key: str):
    _, cpts = _context(get_session(), slug)
    return _render_campaign(cpts, key)


def _campaign(session, principal, cpts, key):
    return svc.find_campaign(session, principal, cpts.id, key)


@bp.route("/cpts/<slug>/campagnes/<key>", methods=["POST"])
@page_roles(*ROLES)
def edit_campaign(slug: str, key: str):
    session = get_session()
    principal, cpts = _context(session, slug)
    campaign = _campaign(session, principal, cpts, key)
    try:
        campaign = svc.update_campaign(session, principal, campaign,
                                       forms.campaign_body(request.form, partial=True))
    except REFUSED as exc:
        session.rollback()
        return _render_campaign(cpts, key, errors=forms.campaign_errors(exc),
                                values=forms.campaign_values(request.form),
                                target="campagne", status=exc.status)
    session.commit()
    flash(gettext("Campagne enregistrée."))
    return redirect(url_for(".campaign", slug=cpts.slug, key=campaign.slug))


@bp.route("/cpts/<slug>/campagnes/<key>/supprimer", methods=["POST"])
@page_roles(*ROLES)
def delete_campaign(slug: str, key: str):
    session = get_session()
    principal, cpts = _context(session, slug)
    svc.delete_campaign(session, principal, _campaign(session, principal, cpts, key))
    session.commit()
    flash(gettext("Campagne supprimée."))
    return redirect(url_for(".campaigns", slug=cpts.slug))


@bp.route("/cpts/<slug>/campagnes/<key>/permanences", methods=["POST"])
@page_roles(*ROLES)
def add_permanence(slug: str, key: str):
    session = get_session()
    principal, cpts = _context(session, slug)
    campaign = _campaign(session, principal, cpts, key)
    try:
        permanence = writes.create_permanence(session, principal, campaign,
                                              forms.permanence_body(request.form))
    except REFUSED as exc:
        session.rollback()
        return _render_campaign(cpts, key, errors=forms.permanence_errors(exc),
                                values=forms.permanence_values(request.form),
                                status=exc.status)
    session.commit()
    flash(gettext("Permanence ajoutée."))
    kept = {k: request.form.get(k, "") for k in KEPT}
    return redirect(url_for(".campaign", slug=cpts.slug, key=campaign.slug, **kept)
                    + f"#permanence-{permanence.id}")


def _permanence(session, principal, campaign, permanence_id: int):
    permanence, owner = writes.get_permanence(session, principal, permanence_id)
    if owner.id != campaign.id:
        raise NotFound("Permanence inconnue.")
    return permanence


@bp.route("/cpts/<slug>/campagnes/<key>/permanences/<int:permanence_id>", methods=["POST"])
@page_roles(*ROLES)
def edit_permanence(slug: str, key: str, permanence_id: int):
    session = get_session()
    principal, cpts = _context(session, slug)
    campaign = _campaign(session, principal, cpts, key)
    permanence = _permanence(session, principal, campaign, permanence_id)
    try:
        writes.update_permanence(session, principal, permanence,
                                 forms.permanence_body(request.form))
    except REFUSED as exc:
        session.rollback()
        return _render_campaign(cpts, key, errors=forms.permanence_errors(exc),
                                values=forms.permanence_values(request.form),
                                target=permanence_id, status=exc.status)
    session.commit()
    flash(gettext("Permanence modifiée."))
    return redirect(url_for(".campaign", slug=cpts.slug, key=campaign.slug)
                    + f"#permanence-{permanence_id}")


@bp.route("/cpts/<slug>/campagnes/<key>/permanences/<int:permanence_id>/supprimer",
          methods=["POST"])
@page_roles(*ROLES)
def delete_permanence(slug: str, key: str, permanence_id: int):
    session = get_session()
    principal, cpts = _context(session, slug)
    campaign = _campaign(session, principal, cpts, key)
    writes.delete_permanence(session, principal,
                             _permanence(session, principal, campaign, permanence_id))
    session.commit()
    flash(gettext("Permanence supprimée."))
    return redirect(url_for(".campaign", slug=cpts.slug, key=campaign.slug) + "#permanences")
