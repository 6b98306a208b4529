"""The account pages (``/admin/comptes``): the list with search, filters and pages; a new
account and its invitation; one account with its tokens, a new invitation, deactivation (asked
first), reactivation, token revocation. For administrators, and for ARS officers within their
scope; the scope is enforced by the services (``services.accounts.manage``), not the forms."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from ..config import get_settings
from ..db import get_session
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..http.links import external_url
from ..http.principal import current_principal
from ..services.accounts import manage
from ..services.accounts.mail import MailFailed
from ..services.directory.lookup import find_professional, resolve_cpts
from ..services.pages.accounts_admin import (AccountFilters, account_detail, account_list,
                                             form_choices)
from ..vocab import ROLES
from .guards import field_errors, page_roles

bp = Blueprint("admin_accounts", __name__, url_prefix="/admin/comptes")


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 10 else None


def list_filters(args) -> AccountFilters:
    """The query string's filters; an unknown value is no filter (never an error)."""
    role = args.get("role", "")
    active = args.get("actif", "")
    return AccountFilters(q=(args.get("q") or "").strip()[:100],
                          role=role if role in ROLES else "",
                          region=(args.get("region") or "").strip()[:3],
                          cpts=_int(args.get("cpts")), active=active if active in ("0", "1") else "",
                          page=_int(args.get("page")) or 1)


def _page_url(f: AccountFilters, page: int) -> str:
    params = {"q": f.q, "role": f.role, "region": f.region, "cpts": f.cpts or "",
              "actif": f.active, "page": page if page > 1 else ""}
    query = urlencode({k: v for k, v in params.items() if v})
    return url_for("admin_accounts.index") + (f"?{query}" if query else "")


@bp.route("")
@page_roles("admin", "ars")
def index():
    session, principal = get_session(), current_principal()
    filters = list_filters(request.args)
    listing = account_list(session, principal, filters)
    links = {"previous": _page_url(filters, listing["page"] - 1)
             if listing["page"] > 1 else None,
             "next": _page_url(filters, listing["page"] + 1)
             if listing["page"] < listing["pages"] else None}
    return render_template("web/admin_accounts.html", filters=filters, links=links,
                           choices=form_choices(session, principal), **listing)


def _scope_fields(session, form, role: str) -> dict:
    """The scope of the role from the form (only the one the role takes)."""
    fields = {"regions": [], "cpts_id": None, "professional_id": None}
    if role == "ars":
        fields["regions"] = [r for r in form.getlist("region") if r][:20]
    elif role == "coordinator" and form.get("cpts", "").strip():
        fields["cpts_id"] = resolve_cpts(session, [form["cpts"]])[0]
    elif role == "professional":
        fields["professional_id"] = find_professional(session, form.get("professional", ""))
    return fields


def _link(token: str) -> str:
    return external_url("account.signin_link", token=token)


@bp.route("/nouveau", methods=["GET", "POST"])
@page_roles("admin", "ars")
def create():
    session, principal = get_session(), current_principal()
    choices = form_choices(session, principal)
    form = request.form if request.method == "POST" else MultiDict()
    errors, status = {}, 200
    if request.method == "POST":
        role = form.get("role", "")
        try:
            manage.check_role(principal, role)
            sent = manage.create_and_invite(
                session, principal, email=form.get("email", ""), role=role,
                settings=get_settings(), link_for=_link,
                **_scope_fields(session, request.form, role))
        except (ValidationFailed, Conflict, Forbidden, MailFailed) as exc:
            session.rollback()
            errors, status = field_errors(exc), exc.status
            if isinstance(exc, (MailFailed, Forbidden)):
                errors.setdefault("_form", []).insert(0, exc.detail)
        else:
            session.commit()
            return _show(sent.account.id, sent=sent, status=201)
    return render_template("web/admin_account_new.html", form=form, errors=errors,
                           choices=choices), status


def _show(account_id: int, sent=None, errors=None, status: int = 200):
    detail = account_detail(get_session(), current_principal(), account_id)
    return render_template("web/admin_account.html", sent=sent, errors=errors or {},
                           **detail), status


@bp.route("/<int:account_id>")
@page_roles("admin", "ars")
def show(account_id: int):
    return _show(account_id)


@bp.route("/<int:account_id>/inviter", methods=["POST"])
@page_roles("admin", "ars")
def invite(account_id: int):
    session, principal = get_session(), current_principal()
    account = manage.managed_account(session, principal, account_id)
    try:
        sent = manage.invite(session, principal, account, settings=get_settings(),
                             link_for=_link)
    except (Conflict, MailFailed) as exc:
        session.rollback()
        return _show(account_id, errors={"invitation": [exc.detail]}, status=exc.status)
    session.commit()
    return _show(account_id, sent=sent)


@bp.route("/<int:account_id>/desactiver", methods=["GET", "POST"])
@page_roles("admin", "ars")
def deactivate(account_id: int):
    """GET asks first (what it ends, that it can be undone); POST deactivates."""
    session, principal = get_session(), current_principal()
    if request.method == "GET":
        detail = account_detail(session, principal, account_id)
        return render_template("web/admin_account_deactivate.html", **detail)
    try:
        account = manage.deactivate(session, principal, account_id)
    except Conflict as exc:
        session.rollback()
        return _show(account_id, errors={"deactivate": [exc.detail]}, status=409)
    session.commit()
    flash(gettext("Compte %(email)s désactivé : ses sessions sont fermées et ses jetons "
                  "révoqués.", email=account.email))
    return redirect(url_for("admin_accounts.show", account_id=account_id))


@bp.route("/<int:account_id>/reactiver", methods=["POST"])
@page_roles("admin", "ars")
def reactivate(account_id: int):
    session = get_session()
    account = manage.reactivate(session, current_principal(), account_id)
    session.commit()
    flash(gettext("Compte %(email)s réactivé : envoyez-lui une invitation pour qu'il se "
                  "connecte.", email=account.email))
    return redirect(url_for("admin_accounts.show", account_id=account_id))


@bp.route("/<int:account_id>/jetons/revoquer", methods=["POST"])
@page_roles("admin", "ars")
def revoke(account_id: int):
    session = get_session()
    token_id = _int(request.form.get("jeton"))
    try:
        count = manage.revoke(session, current_principal(), account_id, token_id=token_id)
    except (Conflict, NotFound) as exc:
        session.rollback()
        return _show(account_id, errors={"tokens": [exc.detail]}, status=exc.status)
    session.commit()
    flash(gettext("%(n)s jeton(s) révoqué(s) : ils n'ouvrent plus rien.", n=count))
    return redirect(url_for("admin_accounts.show", account_id=account_id) + "#jetons")
