"""``mapper users deactivate`` and ``mapper tokens …``: ending an account's access."""
from __future__ import annotations

import click

from .accounts import users
from .base import AppContext, main, pass_ctx


def _refused(exc) -> click.ClickException:
    details = "; ".join(f"{k}: {', '.join(v)}" for k, v in (exc.errors or {}).items())
    return click.ClickException(f"{exc.detail} {details}".strip())


@users.command("deactivate")
@click.option("--email", required=True)
@pass_ctx
def users_deactivate(ctx: AppContext, email: str) -> None:
    """Deactivate an account: no more sign-in, its sessions end, its API tokens are revoked."""
    from ..auth.principal import Principal
    from ..errors import MapperError
    from ..services.accounts.manage import deactivate

    try:
        with ctx.db().session_scope() as session:
            deactivate(session, Principal.system("cli users deactivate"), email)
    except MapperError as exc:
        raise _refused(exc) from exc
    click.echo(f"account {email} deactivated: sessions ended, API tokens revoked")


@users.command("reactivate")
@click.option("--email", required=True)
@pass_ctx
def users_reactivate(ctx: AppContext, email: str) -> None:
    """Reactivate an account: it may sign in again (revoked API tokens stay revoked; send it
    a link with ``mapper users invite``)."""
    from ..auth.principal import Principal
    from ..errors import MapperError
    from ..services.accounts.manage import reactivate

    try:
        with ctx.db().session_scope() as session:
            reactivate(session, Principal.system("cli users reactivate"), email)
    except MapperError as exc:
        raise _refused(exc) from exc
    click.echo(f"account {email} reactivated")


@main.group()
def tokens() -> None:
    """API tokens of an account: list, create, revoke."""


@tokens.command("list")
@click.option("--email", required=True)
@pass_ctx
def tokens_list(ctx: AppContext, email: str) -> None:
    """List the account's tokens (never their values)."""
    from ..errors import MapperError
    from ..services.accounts import get_account, token_views

    try:
        with ctx.db().session_scope() as session:
            rows = token_views(session, get_account(session, email))
    except MapperError as exc:
        raise _refused(exc) from exc
    for t in rows:
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
        click.echo(f"{t['id']}\t{state}\tlast used {t['last_used_at'] or 'never'}\t"
                   f"{t['label'] or ''}")


@tokens.command("create")
@click.option("--email", required=True)
@click.option("--label", default=None, help="Ce à quoi sert le jeton.")
@pass_ctx
def tokens_create(ctx: AppContext, email: str, label: str | None) -> None:
    """Issue a new API token; it is printed once, as the last line."""
    from ..errors import MapperError
    from ..services.accounts import get_account, issue_account_token

    try:
        with ctx.db().session_scope() as session:
            token_id, token = issue_account_token(session, get_account(session, email),
                                                  "cli tokens create", label)
    except MapperError as exc:
        raise _refused(exc) from exc
    click.echo(f"token {token_id} issued for {email} (shown once, store it now):")
    click.echo(token)


@tokens.command("revoke")
@click.option("--email", required=True)
@click.option("--id", "token_id", type=click.IntRange(1, 2_147_483_647), default=None,
              help="Ce jeton seulement (défaut : tous les jetons du compte).")
@pass_ctx
def tokens_revoke(ctx: AppContext, email: str, token_id: int | None) -> None:
    """Revoke the account's API tokens (or one): they open nothing any more."""
    from ..errors import MapperError
    from ..services.accounts import get_account, revoke_tokens

    try:
        with ctx.db().session_scope() as session:
            n = revoke_tokens(session, get_account(session, email), "cli tokens revoke",
                              token_id=token_id)
    except MapperError as exc:
        raise _refused(exc) from exc
    click.echo(f"{n} token(s) revoked for {email}")
