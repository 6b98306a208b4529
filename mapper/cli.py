"""The ``mapper`` command. Each command's docstring is its help."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from .config import ConfigError, Settings


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def database_url(settings: Settings | None = None) -> str:
    """The configured server, or the embedded cluster (started on demand)."""
    settings = settings or _settings()
    if settings.database_url:
        return settings.database_url
    from .embedded import EmbeddedCluster, EmbeddedError

    try:
        return EmbeddedCluster(settings.pg_dir).start()
    except EmbeddedError as exc:
        raise click.ClickException(str(exc)) from exc


class AppContext:
    """Builds the Flask app lazily: ``db start`` must not need a running database."""

    def __init__(self) -> None:
        self._app = None

    @property
    def app(self):
        if self._app is None:
            from . import create_app

            settings = _settings()
            self._app = create_app(settings.replace(database_url=database_url(settings)))
        return self._app

    def db(self):
        from .db import get_db

        return get_db(self.app)

    @property
    def settings(self) -> Settings:
        from . import get_settings

        return get_settings(self.app)

    def import_session(self):
        """A session for bulk work: committed at the end, with the imports' statement timeout."""
        return self.db().session_scope(self.settings.import_statement_timeout_ms)


pass_ctx = click.make_pass_decorator(AppContext, ensure=True)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Journalisation détaillée.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Carto CPTS: territories, directory of professionals and maps for CPTS."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)
    ctx.obj = AppContext()


# -- serve -----------------------------------------------------------------------------------
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@pass_ctx
def serve(ctx: AppContext, host: str, port: int, threads: int) -> None:
    """Serve the application with waitress (a production WSGI server) until interrupted."""
    from waitress import serve as waitress_serve

    app = ctx.app
    click.echo(f"Carto CPTS sur http://{host}:{port}/ (Ctrl-C pour arrêter)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="carto-cpts")


# -- db --------------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Database: migrations and the embedded cluster."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations (creates the postgis extension when allowed)."""
    from .migrate import MigrationError, upgrade

    try:
        upgrade(database_url(), revision)
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"database at revision {revision}")


def _embedded():
    from .embedded import EmbeddedCluster

    settings = _settings()
    if settings.database_url:
        raise click.ClickException("MAPPER_DATABASE_URL is set: the embedded cluster is not used.")
    return EmbeddedCluster(settings.pg_dir)


@db.command("start")
def db_start() -> None:
    """Start the embedded cluster under data/pg (initialised on first use)."""
    cluster = _embedded()
    click.echo(cluster.start())


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded cluster."""
    cluster = _embedded()
    cluster.stop()
    click.echo(cluster.status())


@db.command("status")
def db_status() -> None:
    """Tell whether the embedded cluster is initialised and running."""
    click.echo(_embedded().status())


# -- imports ---------------------------------------------------------------------------------
@main.group("import")
def import_() -> None:
    """Bulk imports (communes, population, …). Each prints a report."""


def _refresh_cpts(session, report, geometry: bool = False) -> None:
    """Cached CPTS measures follow the communes they are made of (same transaction)."""
    from .services.cpts import refresh_measures

    n = refresh_measures(session, report.changed, geometry=geometry)
    if n:
        report.notes.append(f"{n} CPTS: population, area and size category recomputed")


def _print_report(report) -> None:
    for line in report.lines():
        click.echo(line)


def _finish(report) -> None:
    """Print the report; exit non-zero when anything was rejected."""
    _print_report(report)
    if not report.ok:
        sys.exit(1)


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
    from .imports.api_geo import ApiGeoUnavailable, download_departement
    from .imports.communes import import_communes_file
    from .reference import DEFAULT_POPULATION_YEAR

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
        with ctx.import_session() as session:
            report = import_communes_file(session, path,
                                          population_year=year or DEFAULT_POPULATION_YEAR)
            _refresh_cpts(session, report, geometry=True)
        _print_report(report)
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
    from .imports.population import PopulationFormatError, import_population_file
    from .reference import DEFAULT_POPULATION_YEAR

    try:
        with ctx.import_session() as session:
            report = import_population_file(session, file, year or DEFAULT_POPULATION_YEAR)
            _refresh_cpts(session, report)
    except PopulationFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    _finish(report)


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
    from .imports.cpts import CptsFormatError, import_cpts_file

    settings = ctx.settings
    try:
        with ctx.import_session() as session:
            report = import_cpts_file(session, file, status=status, settings=settings,
                                      actor="cli import cpts")
    except CptsFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    _finish(report)


# -- territories -----------------------------------------------------------------------------
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

    from .services.overlaps import overlap_pairs

    settings = ctx.settings
    with ctx.import_session() as session:
        pairs = overlap_pairs(session, region=region, settings=settings)
    if as_json:
        click.echo(json_.dumps(pairs, ensure_ascii=False, indent=1))
    else:
        for p in pairs:
            where = (f"{len(p['shared_communes'])} commune(s) {' '.join(p['shared_communes'])}"
                     if p["shared_communes"] else f"{p['overlap_area_km2']} km²")
            flags = " [arbitré]" if p["arbitrated"] else ""
            click.echo(f"{p['a']['name']} ({p['a']['status']}) × {p['b']['name']} "
                       f"({p['b']['status']}): {where}, population {p['population_affected']} "
                       f"({p['population_method']}){flags}")
        click.echo(f"{len(pairs)} overlapping pair(s)")
    if any(p["both_validated"] and not p["arbitrated"] for p in pairs):
        sys.exit(2)


@main.command("coverage")
@click.option("--departement")
@click.option("--region")
@click.option("--status", type=click.Choice(["intention", "projet", "valide"]),
              help="Ne compter que les CPTS de ce statut.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_ctx
def coverage_cmd(ctx: AppContext, departement, region, status, as_json: bool) -> None:
    """Print the coverage summary of a département or région (zones blanches)."""
    import json as json_

    from .errors import MapperError
    from .services.coverage import coverage

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


# -- directory -------------------------------------------------------------------------------
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
    from .imports.rpps import RppsFormatError, import_rpps_file

    settings = ctx.settings
    try:
        with ctx.import_session() as session:
            report = import_rpps_file(session, file, departements=departements,
                                      professions=professions, min_score=settings.ban_min_score)
    except RppsFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    _finish(report)


@import_.command("professionals")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cpts", "cpts_ref", help="Rattacher chaque ligne à cette CPTS (id ou slug).")
@pass_ctx
def import_professionals(ctx: AppContext, file: Path, cpts_ref: str | None) -> None:
    """Import a CPTS's CSV of professionals (template: data/templates/professionals.csv).

    Valid rows are imported (a row with the RPPS number or `ref` of an existing entry updates
    it); each rejected row is reported with its line number and the command exits non-zero.
    """
    from .imports.professionals_csv import CsvFormatError, import_professionals_csv

    settings = ctx.settings
    try:
        with ctx.import_session() as session:
            report = import_professionals_csv(session, file, settings, cpts=cpts_ref)
    except CsvFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    _finish(report)


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
    from .services.geocoding import client_for, geocode_missing

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
@click.option("--cpts", "cpts_id", type=int, help="Pour le rôle coordinator.")
@click.option("--professional", "professional_id", type=int, help="Pour le rôle professional.")
@pass_ctx
def users_create(ctx: AppContext, email, role, regions, cpts_id, professional_id) -> None:
    """Create an account; its API token is printed once, as the last line."""
    from .errors import MapperError
    from .services.accounts import create_account

    try:
        with ctx.db().session_scope() as session:
            account, token = create_account(session, email=email, role=role, regions=regions,
                                            cpts_id=cpts_id, professional_id=professional_id)
    except MapperError as exc:
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in (exc.errors or {}).items())
        raise click.ClickException(f"{exc.detail} {details}".strip()) from exc
    click.echo(f"account {account.id} created: {account.email} ({account.role})")
    click.echo("API token (shown once, store it now):")
    click.echo(token)


@users.command("invite")
@click.option("--email", required=True)
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Adresse publique du service, pour construire le lien.")
@pass_ctx
def users_invite(ctx: AppContext, email: str, base_url: str) -> None:
    """Print a one-time sign-in link (valid 24 h) for an existing account (no mail server needed)."""
    from .errors import MapperError
    from .services.signin import create_signin_link

    try:
        with ctx.db().session_scope() as session:
            account, token = create_signin_link(session, email)
    except MapperError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"one-time sign-in link for {account.email} (valid 24 h):")
    click.echo(f"{base_url.rstrip('/')}/connexion/lien/{token}")


# -- demo ------------------------------------------------------------------------------------
@main.command()
@click.option("--real", is_flag=True, help="Contours réels depuis API Géo (réseau requis).")
@pass_ctx
def demo(ctx: AppContext, real: bool) -> None:
    """Load the fictional demo data of data/demo (idempotent: twice changes nothing)."""
    from .demo import load_demo

    settings = ctx.settings
    with ctx.import_session() as session:
        summary = load_demo(session, real=real, api_geo_base_url=settings.api_geo_base_url)
    for line in summary:
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
