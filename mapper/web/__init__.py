"""HTML pages (French UI): views parse the request, call one service, render a template."""
from __future__ import annotations

from flask import Flask

from ..http.principal import current_principal
from . import (account, admin_accounts, campaign_pages, colleagues, csrf, directory, formatting,
               maps, my_closures, oncall, pages, permanences, places, professionals, rota_pages,
               territory_pages)


def init_web(app: Flask) -> None:
    csrf.init_app(app)
    formatting.register(app)
    app.permanent_session_lifetime = account.SESSION_LIFETIME
    app.jinja_env.globals["current_principal"] = current_principal
    for blueprint in (pages.bp, account.bp, directory.bp, territory_pages.bp, maps.bp,
                      professionals.bp, places.bp, my_closures.bp, campaign_pages.bp,
                      permanences.bp, rota_pages.bp, oncall.bp, admin_accounts.bp, colleagues.bp):
        app.register_blueprint(blueprint)
