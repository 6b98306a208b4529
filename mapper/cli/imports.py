"""``mapper import …``: bulk imports, each printing its report."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..imports.report import FileRefused
from .base import AppContext, finish, main, pass_ctx, print_report


def refused(exc: FileRefused) -> str:
    return f"{exc}\nnothing of this file was imported (its transaction was rolled back)"


@main.group("import")
def import_() -> None:
    """Bulk imports (communes, population, …). Each prints a report."""


def _refresh_cpts(session, report, geometry: bool = False) -> None:
    """Cached CPTS measures follow the communes they are made of (same transaction)."""
    from ..services.territories import refresh_measures

    n = refresh_measures(session, report.changed, geometry=geometry)
    if n:
        report.notes.append(f"{n} CPTS: population, area and size category recomputed")


@import_.command("communes")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from-api-geo", is_flag=True, help="Télécharger depuis API Géo.")
@click.option("--departement", "departements", multiple=True, help="Avec --from-api-geo.")
@click.option("--year", type=int, default=None, help="Millésime des populations du fichier.")
@pass_ctx
def import_communes(ctx: AppContext, files, from_api_geo, departements, year) -> None:
    """Upsert commune polygons from GeoJSON FeatureCollections (one transaction per file).

    Exits non-zero when any feature was rejected; the report lists each one with its reason.
    """
    from ..imports.api_geo import ApiGeoUnavailable, download_departement
    from ..imports.communes import import_communes_file
    from ..reference import DEFAULT_POPULATION_YEAR

    if from_api_geo and not departements:
        raise click.UsageError("--from-api-geo needs at least one --departement")
    if not files and not from_api_geo:
        raise click.UsageError("give FILES or --from-api-geo --departement D")
    settings = ctx.settings
    sources: list[Path] = list(files)
    if from_api_geo:
        for dep in departements:
            try:
                sources.append(download_departement(settings.api_geo_base_url, dep))
            except ApiGeoUnavailable as exc:
                raise click.ClickException(str(exc)) from exc
    failed = False
    for path in sources:
        try:
            with ctx.import_session() as session:
                report = import_communes_file(session, path,
                                              population_year=year or DEFAULT_POPULATION_YEAR)
                _refresh_cpts(session, report, geometry=True)
        except FileRefused as exc:
            click.echo(refused(exc), err=True)
            failed = True
            continue
        print_report(report)
        failed |= not report.ok
    if failed:
        sys.exit(1)


@import_.command("population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, default=None,
              help="Millésime (défaut : populations légales 2023, en vigueur en 2026).")
@pass_ctx
def import_population(ctx: AppContext, file: Path, year: int | None) -> None:
    """Set commune populations from a CSV with at least the columns code,population."""
    from ..imports.population import import_population_file
    from ..reference import DEFAULT_POPULATION_YEAR

    try:
        with ctx.import_session() as session:
            report = import_population_file(session, file, year or DEFAULT_POPULATION_YEAR)
            _refresh_cpts(session, report)
    except FileRefused as exc:
        raise click.ClickException(refused(exc)) from exc
    finish(report)


@import_.command("cpts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--status", type=click.Choice(["projet", "valide"]), default="projet",
              show_default=True, help="valide: validate each CPTS unless it overlaps a validated one.")
@pass_ctx
def import_cpts(ctx: AppContext, file: Path, status: str) -> None:
    """Create or update CPTS from CSV rows cpts_name,commune_code (one transaction).

    With --status valide, a territory that would overlap a validated CPTS is imported as projet
    and the conflict is reported. Unknown commune codes are reported with their line numbers;
    the command then exits non-zero.
    """
    from ..imports.cpts import import_cpts_file

    settings = ctx.settings
    try:
        with ctx.import_session() as session:
            report = import_cpts_file(session, file, status=status, settings=settings,
                                      actor="cli import cpts")
    except FileRefused as exc:
        raise click.ClickException(refused(exc)) from exc
    finish(report)


@import_.command("rpps")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--departement", "departements", multiple=True,
              help="Ne garder que ce département de structure (répétable).")
@click.option("--profession", "professions", multiple=True,
              help="Ne garder que ce code profession RPPS (répétable), ex. 10, 60.")
@pass_ctx
def import_rpps(ctx: AppContext, file: Path, departements, professions) -> None:
    """Merge an Annuaire Santé extraction (PS_LibreAcces_Personne_activite, pipe-separated).

    One professional per RPPS/ADELI identifier, one site per distinct address; a re-import
    updates in place. Sites then wait for `mapper geocode --missing`. Exits non-zero when any
    row was rejected.
    """
    from ..imports.rpps import import_rpps_file

    settings = ctx.settings
    try:
        with ctx.import_session() as session:
            report = import_rpps_file(session, file, departements=departements,
                                      professions=professions, min_score=settings.ban_min_score)
    except FileRefused as exc:
        raise click.ClickException(refused(exc)) from exc
    finish(report)


@import_.command("professionals")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cpts", "cpts_ref", help="Rattacher chaque ligne à cette CPTS (id ou slug).")
@pass_ctx
def import_professionals(ctx: AppContext, file: Path, cpts_ref: str | None) -> None:
    """Import a CPTS's CSV of professionals (template: data/templates/professionals.csv).

    Valid rows are imported (a row with the RPPS number or `ref` of an existing entry updates
    it); each rejected row is reported with its line number and the command exits non-zero.
    """
    from ..imports.professionals_csv import import_professionals_csv

    settings = ctx.settings
    try:
        with ctx.import_session() as session:
            report = import_professionals_csv(session, file, settings, cpts=cpts_ref)
    except FileRefused as exc:
        raise click.ClickException(refused(exc)) from exc
    finish(report)


@import_.command("places")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cpts", "cpts_ref", help="Rattacher chaque lieu à cette CPTS (id ou slug).")
@pass_ctx
def import_places(ctx: AppContext, file: Path, cpts_ref: str | None) -> None:
    """Import a CPTS's CSV of places (template: data/templates/places.csv).

    One transaction for the file: if any row is refused, every refused row is named with its
    line number and nothing of the file is written. A row whose `ref` is already known
    updates that place.
    """
    from ..imports.places_csv import import_places_csv

    settings = ctx.settings
    try:
        with ctx.import_session() as session:
            report = import_places_csv(session, file, settings, cpts=cpts_ref)
    except FileRefused as exc:
        raise click.ClickException(refused(exc)) from exc
    finish(report)


@import_.command("postcodes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_postcodes(ctx: AppContext, file: Path) -> None:
    """Load La Poste's « Base officielle des codes postaux » (laposte_hexasmal, as published
    on data.gouv.fr or datanova), replacing the previous one. All or nothing: a bad row
    refuses the file, naming its line."""
    from ..imports.postcodes import import_postcodes_file

    try:
        with ctx.import_session() as session:
            report = import_postcodes_file(session, file)
    except FileRefused as exc:
        raise click.ClickException(refused(exc)) from exc
    finish(report)


@import_.command("iris")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_iris(ctx: AppContext, files) -> None:
    """Load IRIS (sub-commune units): IGN's CONTOURS-IRIS (GeoPackage, shapefile or GeoJSON,
    Lambert-93 reprojected) and INSEE's « base-ic-evol-struct-pop » CSV (P<yy>_POP).

    Outlines are loaded before populations whatever the order given. Each file is all or
    nothing: a bad feature or line refuses it, naming the feature or line and the field.
    """
    from ..imports.iris import import_iris_contours
    from ..imports.iris_population import import_iris_population

    ordered = sorted(files, key=lambda p: p.suffix.lower() == ".csv")
    failed = False
    for path in ordered:
        load = import_iris_population if path.suffix.lower() == ".csv" else import_iris_contours
        try:
            with ctx.import_session() as session:
                report = load(session, path)
                _refresh_cpts(session, report)
        except FileRefused as exc:
            click.echo(refused(exc), err=True)
            failed = True
            continue
        print_report(report)
    if failed:
        sys.exit(1)


@import_.command("population-age")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_population_age(ctx: AppContext, file: Path) -> None:
    """Load INSEE's population by age group per commune (« base-cc-evol-struct-pop-20XX »,
    ``;``-separated: CODGEO and P<yy>_POP0014 … P<yy>_POP7589, P<yy>_POP90P, or P<yy>_POP75P).

    Columns are matched by name; the year prefix gives the vintage. All or nothing: a bad line
    refuses the file, naming the line and the column. Codes without a commune are counted.
    """
    from ..imports.population_age import import_population_age as load

    try:
        with ctx.import_session() as session:
            report = load(session, file)
    except FileRefused as exc:
        raise click.ClickException(refused(exc)) from exc
    finish(report)


@import_.command("annuaire-sante")
@click.option("--departement", required=True, help="Département des structures, ex. 75, 2A, 971.")
@click.option("--profession", default=None,
              help="Ne garder que ce code profession (TRE_G15, ex. 10, 60).")
@pass_ctx
def import_annuaire_sante(ctx: AppContext, departement: str, profession: str | None) -> None:
    """Merge a département's professionals from the Annuaire Santé FHIR API.

    Needs MAPPER_ANNUAIRE_SANTE_API_KEY (the ESANTE-API-KEY of the Gravitee portal). Pages are
    saved as they come: after an interruption, the same command resumes where it stopped.
    Merged like `import rpps` (update in place); exits non-zero when the API stops the run or
    any practice situation was rejected.
    """
    from ..imports.annuaire_sante import (AnnuaireClient, AnnuaireError,
                                          import_annuaire_sante as run)

    settings = ctx.settings
    if not settings.annuaire_sante_api_key:
        raise click.ClickException("set MAPPER_ANNUAIRE_SANTE_API_KEY (the ESANTE-API-KEY)")
    dep = departement.strip().upper()
    if not (dep.isascii() and (dep.isdecimal() or dep in ("2A", "2B")) and 2 <= len(dep) <= 3):
        raise click.BadParameter(f"not a département code: {departement!r}",
                                 param_hint="--departement")
    client = AnnuaireClient(settings.annuaire_sante_url, settings.annuaire_sante_api_key,
                            rate=settings.annuaire_sante_rate,
                            retries=settings.annuaire_sante_retries)
    try:
        report = run(ctx.import_session, client, dep, profession,
                     page_size=settings.annuaire_sante_page_size,
                     min_score=settings.ban_min_score)
    except AnnuaireError as exc:
        raise click.ClickException(
            f"{exc}\nthe directory was not changed; pages already fetched are kept and the "
            "same command resumes from there") from exc
    finish(report)
