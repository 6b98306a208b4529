"""The ``mapper`` group, its application context and the helpers the commands share."""
from __future__ import annotations

import logging
import sys

import click

from ..config import ConfigError, Settings


def settings_from_env() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def database_url(settings: Settings | None = None) -> str:
    """The configured server, or the embedded cluster (started on demand)."""
    settings = settings or settings_from_env()
    if settings.database_url:
        return settings.database_url
    from ..embedded import EmbeddedCluster, EmbeddedError

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
            from .. import create_app

            settings = settings_from_env()
            self._app = create_app(settings.replace(database_url=database_url(settings)))
        return self._app

    def db(self):
        from ..db import get_db

        return get_db(self.app)

    @property
    def settings(self) -> Settings:
        from ..config import get_settings

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


def print_report(report) -> None:
    for line in report.lines():
        click.echo(line)


def finish(report) -> None:
    """Print the report; exit non-zero when anything was rejected."""
    print_report(report)
    if not report.ok:
        sys.exit(1)
