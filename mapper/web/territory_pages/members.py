"""A CPTS's members, one at a time: « Retirer » asks first and can be undone for a few
minutes (« Annuler », a POST with the removal's audit id: the service checks who, when and
that nothing happened since); « Inviter » e-mails a one-time sign-in link so that the member
claims their entry. Every step is a plain form: no JavaScript needed."""
from __future__ import annotations

from flask import redirect, render_template, request, session as cookie, url_for
from flask_babel import gettext

from ...config import get_settings
from ...db import get_session
from ...errors import Conflict, Forbidden, ValidationFailed
from ...http.links import external_url
from ...http.principal import current_principal
from ...services.accounts.invitations import entry_account, invite_member, invitee
from ...services.accounts.mail import MailFailed
from ...services.directory import remove_member as remove, restore_member as restore
from ...services.directory.members import UNDO_WITHIN, member_entry
from ...services.territories import get_cpts
from ..guards import field_errors, page_roles
from .blueprint import bp
from .cpts import UNDO_KEY, _back, _managed, _render_cpts


@bp.route("/cpts/<slug>/membres/<int:professional_id>/retirer", methods=["GET"])
@page_roles("coordinator", "ars", "admin")
def confirm_removal(slug: str, professional_id: int):
    """The question before the removal, with what it changes and that it can be undone."""
    session, _, cpts = _managed(slug)
    entry = member_entry(session, cpts, professional_id)
    return render_template("web/member_remove.html", cpts=cpts, entry=entry,
                           name=_name(entry),
                           minutes=int(UNDO_WITHIN.total_seconds() // 60))


@bp.route("/cpts/<slug>/membres/<int:professional_id>/retirer", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def remove_member(slug: str, professional_id: int):
    session, principal, cpts = _managed(slug)
    entry = member_entry(session, cpts, professional_id)
    removal = remove(session, principal, cpts, professional_id)
    session.commit()
    name = _name(entry)
    cookie[UNDO_KEY] = {"cpts": cpts.id, "removal": removal, "name": name,
                        "id": professional_id}
    return redirect(url_for("territory_pages.cpts_page", slug=cpts.slug) + "#retrait")


@bp.route("/cpts/<slug>/membres/annuler", methods=["POST"])
@page_roles("coordinator", "ars", "admin")
def undo_removal(slug: str):
    session, principal, cpts = _managed(slug)
    cookie.pop(UNDO_KEY, None)
    try:
        removal = int(request.form.get("retrait", ""))
        restore(session, principal, cpts, removal)
    except (ValueError, Conflict) as exc:
        session.rollback()
        message = getattr(exc, "detail", None) or gettext(
            "Ce retrait ne peut plus être annulé : ajoutez le membre à nouveau par son "
            "numéro de fiche.")
        return _render_cpts(cpts.slug, {"annuler": [message]}, status=409)
    session.commit()
    return _back(cpts, "#membres", gettext("Retrait annulé : le membre est de nouveau dans "
                                           "la CPTS."))


@bp.route("/cpts/<slug>/membres/<int:professional_id>/inviter", methods=["GET", "POST"])
@page_roles("coordinator", "admin")
def invite(slug: str, professional_id: int):
    """The invitation form, then the invitation; errors in place, nothing kept on failure."""
    session, principal = get_session(), current_principal()
    cpts = get_cpts(session, slug)
    professional = invitee(session, principal, cpts, professional_id)
    account = entry_account(session, professional_id)
    email = request.form.get("email", "") if request.method == "POST" else (
        account.email if account else (professional.email or ""))
    errors, status = {}, 200
    if request.method == "POST":
        try:
            done = invite_member(session, principal, cpts, professional_id, email,
                                 settings=get_settings(), link_for=_link)
        except (ValidationFailed, Conflict, Forbidden, MailFailed) as exc:
            session.rollback()
            errors, status = field_errors(exc, default="email"), exc.status
            if isinstance(exc, MailFailed):  # what happened, and that nothing was kept
                errors["_form"] = [exc.detail]
        else:
            session.commit()
            if done.mail_sent:
                message = gettext("Invitation envoyée à %(email)s : le lien vaut 24 heures.",
                                  email=done.email)
            else:
                message = gettext("Aucun serveur de messagerie n'est configuré : l'invitation "
                                  "de %(email)s n'a pas été envoyée, son lien est inscrit dans "
                                  "le journal du service.", email=done.email)
            return _back(cpts, "#membres", message)
    return render_template("web/member_invite.html", cpts=cpts, professional=professional,
                           name=_name(professional),
                           account=account, email=email, errors=errors), status


def _link(token: str) -> str:
    return external_url("account.signin_link", token=token)


def _name(professional) -> str:
    return f"{professional.first_name or ''} {professional.last_name}".strip()
