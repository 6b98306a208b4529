"""``mapper geocode`` and ``mapper users …``: the directory's batch geocoding, accounts."""
from __future__ import annotations

import sys

import click

from .base import AppContext, main, pass_ctx


@main.command("geocode")
@click.option("--missing", is_flag=True, required=True,
              help="Géocoder les sites en attente (ou dont le géocodeur était injoignable).")
@click.option("--chunk-size", default=10_000, show_default=True, type=int,
              help="Lignes par fichier envoyé à /search/csv.")
@click.option("--limit", type=int, default=None, help="Au plus ce nombre d'adresses.")
@pass_ctx
def geocode_cmd(ctx: AppContext, missing: bool, chunk_size: int, limit: int | None) -> None:
    """Geocode practice sites in batch through the BAN's /search/csv (cache first).

    Commits after every chunk, so an interrupted run resumes where it stopped. Sites the BAN
    places below MAPPER_BAN_MIN_SCORE, or does not find, go to their commune's point.
    """
    from ..services.geocoding import client_for, geocode_missing

    settings = ctx.settings
    client = client_for(settings)
    with ctx.import_session() as session:
        counts = geocode_missing(session, client, settings.ban_min_score, chunk_size=chunk_size,
                                 limit=limit, on_chunk=lambda c: session.commit())
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
    if counts.get("error"):
        sys.exit(1)


# -- users -----------------------------------------------------------------------------------
@main.group()
def users() -> None:
    """Accounts and API tokens."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "ars", "coordinator", "professional"]))
@click.option("--region", "regions", multiple=True, help="Pour le rôle ars (répétable).")
@click.option("--cpts", "cpts_ref", metavar="SLUG|ID",
              help="Pour le rôle coordinator : slug (mapper cpts list) ou numéro.")
@click.option("--professional", "professional_ref", metavar="RPPS|ID",
              help="Pour le rôle professional : RPPS ou numéro de fiche (mapper professionals "
                   "find).")
@pass_ctx
def users_create(ctx: AppContext, email, role, regions, cpts_ref, professional_ref) -> None:
    """Create an account; its API token is printed once, as the last line."""
    from ..auth.principal import Principal
    from ..errors import MapperError
    from ..services.accounts.manage import create_managed
    from ..services.directory.lookup import find_professional, resolve_cpts

    try:
        with ctx.db().session_scope() as session:
            cpts_id = resolve_cpts(session, [cpts_ref])[0] if cpts_ref else None
            professional_id = (find_professional(session, professional_ref)
                               if professional_ref else None)
            account, token = create_managed(session, Principal.system("cli"), email=email,
                                            role=role, regions=regions, cpts_id=cpts_id,
                                            professional_id=professional_id, with_token=True)
    except MapperError as exc:
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in (exc.errors or {}).items())
        raise click.ClickException(f"{exc.detail} {details}".strip()) from exc
    click.echo(f"account {account.id} created: {account.email} ({account.role})")
    click.echo("API token (shown once, store it now):")
    click.echo(token)


@users.command("invite")
@click.option("--email", required=True)
@click.option("--base-url", default=None,
              help="Adresse publique du service, pour construire le lien (par défaut "
                   "MAPPER_BASE_URL, sinon http://127.0.0.1:5000).")
@pass_ctx
def users_invite(ctx: AppContext, email: str, base_url: str | None) -> None:
    """Print a one-time sign-in link (valid 24 h) for an existing account, and e-mail it when
    a mail server is configured (MAPPER_SMTP_HOST). The link is printed either way: if the
    mail fails, pass it on yourself (the command then exits with status 1)."""
    from ..errors import MapperError
    from ..http.links import absolute
    from ..services.accounts import create_signin_link
    from ..services.accounts.mail import MailFailed, send, signin_mail
    from ..services.accounts.signin import LINK_LIFETIME

    try:
        with ctx.db().session_scope() as session:
            account, token = create_signin_link(session, email)
    except MapperError as exc:
        raise click.ClickException(exc.detail) from exc
    path = f"/connexion/lien/{token}"
    if base_url:
        link = base_url.rstrip("/") + path
    else:
        with ctx.app.app_context():
            link = absolute(path)
    click.echo(f"one-time sign-in link for {account.email} (valid 24 h):")
    click.echo(link)
    if ctx.settings.smtp is None:
        return
    try:
        send(ctx.settings, signin_mail(account.email, link,
                                       hours=int(LINK_LIFETIME.total_seconds() // 3600)))
    except MailFailed as exc:
        raise click.ClickException(f"e-mail NOT sent ({exc.log_message}); the link above "
                                   "works: pass it on yourself") from exc
    click.echo(f"e-mail sent to {account.email}")
