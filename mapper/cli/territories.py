"""``mapper check-overlaps`` and ``mapper coverage``: the territories from the shell."""
from __future__ import annotations

import sys

import click

from .base import AppContext, main, pass_ctx


@main.command("check-overlaps")
@click.option("--region", help="Code région : paires dont une CPTS au moins est dans la région.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_ctx
def check_overlaps(ctx: AppContext, region: str | None, as_json: bool) -> None:
    """List every overlapping pair of CPTS: shared communes, population affected.

    Exits with status 2 if two validated CPTS overlap outside an arbitration (which the
    database should make impossible).
    """
    import json as json_

    from ..services.territories import overlap_pairs

    settings = ctx.settings
    with ctx.import_session() as session:
        pairs = overlap_pairs(session, settings, region=region)
    if as_json:
        click.echo(json_.dumps(pairs, ensure_ascii=False, indent=1))
    else:
        for p in pairs:
            where = (f"{len(p['shared_communes'])} commune(s) {' '.join(p['shared_communes'])}"
                     if p["shared_communes"] else f"{p['overlap_area_km2']} km²")
            if p.get("shared_iris"):
                where += f", {len(p['shared_iris'])} IRIS {' '.join(p['shared_iris'])}"
            flags = " [arbitré]" if p["arbitrated"] else ""
            if p.get("level") == "iris":
                flags += " [à l'échelle des IRIS]"
            click.echo(f"{p['a']['name']} ({p['a']['status']}) × {p['b']['name']} "
                       f"({p['b']['status']}): {where}, population {p['population_affected']} "
                       f"({p['population_method']}){flags}")
        click.echo(f"{len(pairs)} overlapping pair(s)")
    if any(p["both_validated"] and not p["arbitrated"] for p in pairs):
        sys.exit(2)


@main.command("coverage")
@click.option("--departement")
@click.option("--region")
@click.option("--status", type=click.Choice(["intention", "projet", "valide", "aci_signe"]),
              help="Ne compter que les CPTS de ce statut (valide : validées ou contrat ACI "
                   "signé).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_ctx
def coverage_cmd(ctx: AppContext, departement, region, status, as_json: bool) -> None:
    """Print the coverage summary of a département or région (zones blanches)."""
    import json as json_

    from ..errors import MapperError
    from ..services.territories import coverage

    if not departement and not region:
        raise click.UsageError("give --departement D or --region R")
    try:
        with ctx.db().session_scope() as session:
            out = coverage(session, departement=departement, region=region, status=status)
    except MapperError as exc:
        raise click.ClickException(exc.detail) from exc
    if as_json:
        click.echo(json_.dumps(out, ensure_ascii=False, indent=1))
        return
    click.echo(f"population: {out['population_total']}, covered: {out['population_covered']} "
               f"({out['coverage_rate']:.1%}), uncovered: {out['population_uncovered']}")
    click.echo(f"uncovered communes: {len(out['uncovered_communes'])}")
    for c in out["uncovered_communes"]:
        click.echo(f"  {c['code']} {c['nom']} ({c['population']})")
    click.echo(f"communes claimed by several CPTS: {len(out['multi_covered_communes'])}")
    for c in out["multi_covered_communes"]:
        click.echo(f"  {c['code']} {c['nom']} ({c['population']}): CPTS {c['cpts']}")


@main.command("diagnostic")
@click.option("--national", is_flag=True, required=True,
              help="Toutes les communes de France (seul mode de la commande).")
@click.option("--profession", "professions", multiple=True,
              help="Code de profession (10 : médecins) ; répétable.")
@click.option("--all", "every", is_flag=True, help="Toutes les professions.")
@click.option("--store", is_flag=True,
              help="Enregistrer le résultat : les diagnostics des territoires le lisent "
                   "pendant 26 h au lieu de le recalculer (à planifier chaque nuit).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="Écrire l'indice de chaque commune dans ce fichier CSV (profession;code;indice).")
@pass_ctx
def diagnostic_cmd(ctx: AppContext, national: bool, professions, every: bool, store: bool,
                   output: str | None) -> None:
    """Compute the 2SFCA accessibility index of professions for every commune of France.

    Prints, per profession, the population-weighted mean and the time taken, then the peak
    memory of this process (the computation itself runs in PostgreSQL, its memory bounded by
    work_mem). ``--store`` keeps the values for the territories' diagnostics.
    """
    import resource
    import time

    from ..errors import MapperError
    from ..services.territories.diagnostic import profession_list
    from ..services.territories.diagnostic_national import national_accessibility, store_national

    if not professions and not every:
        raise click.UsageError("give --profession CODE (repeatable) or --all")
    lines = []
    try:
        if every:
            with ctx.db().session_scope() as session:
                professions = [p["code"] for p in profession_list(session, None)]
        for prof in professions:
            started = time.perf_counter()
            with ctx.import_session() as session:  # the imports' statement timeout
                out = national_accessibility(session, prof)
                if store:
                    store_national(session, out)
            elapsed = time.perf_counter() - started
            lines += [f"{prof};{c};{v:.6f}\n" for c, v in sorted(out["values"].items())]
            click.echo(f"profession {prof}: {out['communes']} communes, population "
                       f"{out['population']}, mean index {out['mean']} per 10 000, max "
                       f"{out['max']}, {out['communes_without']} communes with no site within "
                       f"{out['method']['catchment_km']:g} km; computed in {elapsed:.1f} s"
                       + (" (stored)" if store else ""))
    except MapperError as exc:
        raise click.ClickException(exc.detail) from exc
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write("profession;code;indice_2sfca_10000\n")
            fh.writelines(lines)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    click.echo(f"peak memory of this process {peak_mb:.0f} MB")
