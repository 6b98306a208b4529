"""``mapper cpts list`` and ``mapper professionals find``: what the other commands refer to."""
from __future__ import annotations

import click

from .base import AppContext, main, pass_ctx


@main.group("cpts")
def cpts_group() -> None:
    """CPTS: list them (their slugs are what other commands take)."""


@cpts_group.command("list")
@click.option("--region", help="Code région (93 : Provence-Alpes-Côte d'Azur).")
@pass_ctx
def cpts_list(ctx: AppContext, region: str | None) -> None:
    """List the CPTS in French order of names: id, slug, status, région, population."""
    from ..reference import REGIONS
    from ..services.territories.cpts import cpts_table

    with ctx.db().session_scope() as session:
        rows = cpts_table(session, region=(region or "").strip().upper() or None)
    for r in rows:
        where = f"{REGIONS.get(r['region'] or '', r['region'] or '—')} ({r['region'] or '—'})"
        population = f"{r['population']:,}".replace(",", "\u202f") if r["population"] else "—"
        click.echo(f"{r['id']}\t{r['name']}\t{r['slug']}\t{r['status']}\t{where}\t"
                   f"{population} hab.")
    click.echo(f"{len(rows)} CPTS")


@main.group("professionals")
def professionals_group() -> None:
    """Entries of the directory."""


@professionals_group.command("find")
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@pass_ctx
def professionals_find(ctx: AppContext, text: tuple[str, ...], limit: int) -> None:
    """Find entries by name or RPPS number (accents and case ignored): id, RPPS, name,
    profession, CPTS."""
    from ..errors import MapperError
    from ..services.directory.lookup import find_professionals

    try:
        with ctx.db().session_scope() as session:
            rows = find_professionals(session, " ".join(text), limit=limit)
    except MapperError as exc:
        raise click.ClickException(exc.detail) from exc
    for r in rows:
        click.echo(f"{r['id']}\t{r['rpps'] or '—'}\t{r['first_name']} {r['last_name']}\t"
                   f"{r['profession_label']}\t{r['cpts'] or '—'}")
    click.echo(f"{len(rows)} fiche(s)" + (" (limite atteinte)" if len(rows) == limit else ""))
