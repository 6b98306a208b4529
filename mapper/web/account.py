"""Sign-in, sign-out, one-time links and password setting for people."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext

from ..db import get_session
from ..errors import NotFound, TooManyRequests, Unauthorized, ValidationFailed
from ..http.principal import current_principal
from ..services.accounts import sessions, signin
from ..services.territories import get_cpts

bp = Blueprint("account", __name__)
SESSION_LIFETIME = sessions.LIFETIME


def workspace(db, account) -> str:
    """Where a role works: the review for admins and ARS officers, the CPTS page for its
    coordinator, their own entry for a professional; the home page otherwise."""
    if account.role in ("admin", "ars"):
        return url_for("territory_pages.review")
    if account.role == "coordinator" and account.cpts_id is not None:
        try:
            return url_for("territory_pages.cpts_page", slug=get_cpts(db, account.cpts_id).slug)
        except NotFound:
            pass
    if account.role == "professional" and account.professional_id is not None:
        return url_for("directory.my_entry")
    return url_for("web.home")


def _safe_next(target: str | None, fallback: str) -> str:
    """Only local paths: never redirect a signed-in person to another site (backslashes and
    control characters, which browsers read as slashes or drop, are refused too)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 for c in target)):
        return fallback
    return target


def _start_session(db, account) -> None:
    """A new server-side session (no fixation) and a new CSRF token (none carried over)."""
    token = sessions.open_session(db, account)
    session.clear()
    session.permanent = True
    session["sid"] = token
    session["csrf"] = secrets.token_urlsafe(32)


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    error, status, headers = None, 200, {}
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "")
        db = get_session()
        try:
            account = signin.authenticate(db, email, request.form.get("password", ""),
                                          request.remote_addr or "unknown")
        except TooManyRequests as slowed:  # the form stays, with when to try again
            account, error, status, headers = None, slowed.detail, 429, slowed.headers
        else:
            if account is not None:
                _start_session(db, account)
            db.commit()  # the attempt is logged either way (throttling)
            if account is not None:
                return redirect(_safe_next(request.form.get("next"), workspace(db, account)))
            error, status = "Adresse e-mail ou mot de passe incorrect.", 401
    return render_template("web/login.html", error=error, email=email,
                           next=request.values.get("next", "")), status, headers


@bp.route("/deconnexion", methods=["POST"])
def logout():
    db = get_session()
    sessions.close_session(db, session.get("sid"))
    db.commit()
    session.clear()
    flash("Vous êtes déconnecté·e.")
    return redirect(url_for("web.home"))


@bp.route("/connexion/lien/<token>")
def signin_link(token: str):
    db = get_session()
    account = signin.use_signin_link(db, token)
    if account is not None:
        _start_session(db, account)
    db.commit()
    if account is None:
        return render_template("web/login.html", error=(
            "Ce lien de connexion est invalide, déjà utilisé ou expiré."), email="", next=""), 400
    if account.role == "professional" and account.professional_id is not None:
        # an invited member lands on their entry; the page offers to choose a password
        flash(gettext("Vous êtes connecté·e. Vérifiez votre fiche, puis choisissez votre mot "
                      "de passe pour revenir sans lien."))
        return redirect(url_for("directory.my_entry"))
    return redirect(url_for("account.password"))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
def password():
    principal = current_principal()
    if principal.is_anonymous:
        raise Unauthorized("Connectez-vous pour définir votre mot de passe.")
    errors = None
    if request.method == "POST":
        db = get_session()
        try:
            account = signin.set_password(db, principal.account_id,
                                          request.form.get("password", ""),
                                          request.form.get("confirm", ""))
        except ValidationFailed as exc:
            errors = exc.errors["password"]
        else:
            _start_session(db, account)  # every other session has ended
            db.commit()
            flash("Mot de passe enregistré. Vos autres sessions sont fermées.")
            return redirect(workspace(db, account))
    return render_template("web/password.html", errors=errors), 422 if errors else 200
