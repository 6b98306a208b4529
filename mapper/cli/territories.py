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
@click.option("--profession", required=True, help="Code de profession (10 : médecins).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="Écrire l'indice de chaque commune dans ce fichier CSV (code;indice).")
@pass_ctx
def diagnostic_cmd(ctx: AppContext, national: bool, profession: str, output: str | None) -> None:
    """Compute the 2SFCA accessibility index of a profession for every commune of France.

    Prints the population-weighted mean, the time taken and the peak memory of this process
    (the computation itself runs in PostgreSQL, whose memory is bounded by work_mem).
    """
    import resource
    import time

    from ..errors import MapperError
    from ..services.territories.diagnostic_national import national_accessibility

    started = time.perf_counter()
    try:
        with ctx.db().session_scope() as session:
            out = national_accessibility(session, profession)
    except MapperError as exc:
        raise click.ClickException(exc.detail) from exc
    elapsed = time.perf_counter() - started
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write("code;indice_2sfca_10000\n")
            fh.writelines(f"{c};{v:.6f}\n" for c, v in sorted(out["values"].items()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    click.echo(f"profession {profession}: {out['communes']} communes, population "
               f"{out['population']}, mean index {out['mean']} per 10 000, max {out['max']}, "
               f"{out['communes_without']} communes with no site within "
               f"{out['method']['catchment_km']:g} km")
    click.echo(f"computed in {elapsed:.1f} s; peak memory of this process {peak_mb:.0f} MB")
