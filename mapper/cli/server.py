"""``mapper serve``, ``mapper demo`` and ``mapper db …``: running the service."""
from __future__ import annotations

import os
import secrets

import click

from .base import AppContext, database_url, main, pass_ctx, settings_from_env


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int,
              help="Threads per process.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes (gunicorn above 1; waitress for one).")
@pass_ctx
def serve(ctx: AppContext, host: str, port: int, threads: int, workers: int) -> None:
    """Serve the application until interrupted: one process with waitress, or ``--workers N``
    processes with gunicorn (Linux), which share sessions, CSRF, rate limits and caches through
    the database and one secret key (MAPPER_SECRET_KEY; without it, one is drawn for this run
    and sessions end when the server stops)."""
    from .workers import gunicorn_available, serve_with_gunicorn

    if workers > 1 and not gunicorn_available():
        click.echo("gunicorn indisponible ici : un seul processus (waitress).", err=True)
        workers = 1
    if workers > 1 and not os.environ.get("MAPPER_SECRET_KEY"):
        # Every process must sign and check cookies with the same key: draw it once, here.
        os.environ["MAPPER_SECRET_KEY"] = secrets.token_hex(32)
        click.echo("MAPPER_SECRET_KEY non défini : une clé tirée pour ce lancement, commune aux "
                   f"{workers} processus (les sessions ne survivront pas à l'arrêt).", err=True)
    app = ctx.app
    from ..http.serving import prepare

    prepare(app)  # the icon font cut, the collector kept out of the way: see http.serving
    click.echo(f"Carto CPTS sur http://{host}:{port}/ ({workers} processus ; Ctrl-C pour arrêter)")
    if workers > 1:
        serve_with_gunicorn(app, host, port, workers, threads)
        return
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=threads, ident="carto-cpts")


# -- db --------------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Database: migrations and the embedded cluster."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations (creates the postgis extension when allowed)."""
    from ..migrate import MigrationError, upgrade

    try:
        upgrade(database_url(), revision)
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"database at revision {revision}")


def _embedded():
    from ..embedded import EmbeddedCluster

    settings = settings_from_env()
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


@main.command()
@click.option("--real", is_flag=True, help="Contours réels depuis API Géo (réseau requis).")
@pass_ctx
def demo(ctx: AppContext, real: bool) -> None:
    """Load the fictional demo data of data/demo (idempotent: twice changes nothing)."""
    from ..demo import load_demo

    settings = ctx.settings
    with ctx.import_session() as session:
        summary = load_demo(session, settings, real=real)
    for line in summary:
        click.echo(line)
