"""``mapper import shifts`` and ``mapper export shifts``: a CPTS's on-call rota as CSV
(template: docs/rota-csv.md), through the same use cases as the API."""
from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import click

from .base import AppContext, main, pass_ctx
from .imports import import_

CLI = "cli import shifts"


@import_.command("shifts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cpts", "cpts_ref", required=True, help="La CPTS (id ou slug).")
@pass_ctx
def import_shifts(ctx: AppContext, file: Path, cpts_ref: str) -> None:
    """Import a CPTS's on-call shifts from CSV, all or nothing (one transaction).

    A row matching a shift (same holder, day and hours) updates it; others create shifts.
    Any bad row refuses the file: each one is listed with its line, nothing is written."""
    from ..auth.principal import Principal
    from ..errors import MapperError
    from ..imports.csvfile import read_text
    from ..imports.report import FileRefused
    from ..services.directory.rota_csv import import_csv
    from ..services.territories import get_cpts

    try:
        text = read_text(file)
        with ctx.import_session() as session:
            counts = import_csv(session, Principal.system(CLI), get_cpts(session, cpts_ref),
                                text)
    except FileRefused as exc:
        raise click.ClickException(str(exc)) from exc
    except MapperError as exc:
        click.echo(f"{file}: {exc.detail}", err=True)
        for where, reasons in (exc.errors or {}).items():
            click.echo(f"  {where}: {'; '.join(map(str, reasons))}", err=True)
        sys.exit(1)
    click.echo(f"{file}: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))


@main.group("export")
def export() -> None:
    """Exports (CSV)."""


@export.command("shifts")
@click.option("--cpts", "cpts_ref", required=True, help="La CPTS (id ou slug).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Premier jour (défaut : aujourd'hui).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Dernier jour (défaut : 6 jours plus tard).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@pass_ctx
def export_shifts(ctx: AppContext, cpts_ref: str, start, end, output: Path | None) -> None:
    """Export a CPTS's on-call shifts over a period as CSV (the import's template)."""
    from ..auth.principal import Principal
    from ..services.directory.rota_csv import export_csv
    from ..services.territories import get_cpts

    first = start.date() if start else date.today()
    last = end.date() if end else first + timedelta(days=6)
    with ctx.db().session_scope() as session:
        text = export_csv(session, Principal.system("cli export shifts"),
                          get_cpts(session, cpts_ref), first, last)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
