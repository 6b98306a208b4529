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


def _print_report(report) -> None:
    for line in report.lines():
        click.echo(line)


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
    from . import get_settings
    from .imports.api_geo import WHOLE_CITY_CODES, ApiGeoUnavailable, download_departement
    from .imports.communes import import_communes_file
    from .reference import DEFAULT_POPULATION_YEAR

    if from_api_geo and not departements:
        raise click.UsageError("--from-api-geo needs at least one --departement")
    if not files and not from_api_geo:
        raise click.UsageError("give FILES or --from-api-geo --departement D")
    app = ctx.app
    settings = get_settings(app)
    sources: list[tuple[Path, set]] = [(f, set()) for f in files]
    if from_api_geo:
        for dep in departements:
            try:
                sources.append((download_departement(settings.api_geo_base_url, dep),
                                set(WHOLE_CITY_CODES)))
            except ApiGeoUnavailable as exc:
                raise click.ClickException(str(exc)) from exc
    failed = False
    for path, skip in sources:
        with ctx.db().session_scope(settings.import_statement_timeout_ms) as session:
            report = import_communes_file(session, path, skip_codes=skip,
                                          population_year=year or DEFAULT_POPULATION_YEAR)
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
    from . import get_settings
    from .imports.population import PopulationFormatError, import_population_file
    from .reference import DEFAULT_POPULATION_YEAR

    settings = get_settings(ctx.app)
    try:
        with ctx.db().session_scope(settings.import_statement_timeout_ms) as session:
            report = import_population_file(session, file, year or DEFAULT_POPULATION_YEAR)
    except PopulationFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_report(report)
    if not report.ok:
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


# -- demo ------------------------------------------------------------------------------------
@main.command()
@click.option("--real", is_flag=True, help="Contours réels depuis API Géo (réseau requis).")
@pass_ctx
def demo(ctx: AppContext, real: bool) -> None:
    """Load the fictional demo data of data/demo (idempotent: twice changes nothing)."""
    from . import get_settings
    from .demo import load_demo

    settings = get_settings(ctx.app)
    with ctx.db().session_scope(settings.import_statement_timeout_ms) as session:
        summary = load_demo(session, real=real, api_geo_base_url=settings.api_geo_base_url)
    for line in summary:
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
