"""JSON API under /api/v1. flask-smorest generates /api/v1/openapi.json from the schemas."""
from __future__ import annotations

from flask import Flask

from ..http.principal import resolve_bearer_early
from .openapi import ErrorResponses, ProblemApi, refuse_missing_body
from .schemas import COMPONENTS
from . import (accounts, addresses, arbitrations, campaign_gaps, campaigns, communes, conciliations,
               coverage,
               cpts, diagnostic, health, invitations, oncall, places, professionals, rota, territories, vocabularies)

BLUEPRINTS = [health.blp, communes.blp, accounts.blp, territories.blp, cpts.blp,
              arbitrations.blp, conciliations.blp, invitations.blp, coverage.blp, professionals.blp, vocabularies.blp,
              addresses.blp, places.blp, diagnostic.blp, campaigns.blp, campaign_gaps.blp, rota.blp, oncall.blp]


def init_api(app: Flask) -> ProblemApi:
    app.config.update(
        API_TITLE="Carto CPTS",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "Territoires de CPTS, annuaire des professionnels, cartes."},
            "components": {"securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"}}},
        },
    )
    api = ProblemApi(app, spec_kwargs={"extra_plugins": [ErrorResponses()]})
    for name, schema in COMPONENTS.items():
        api.spec.components.schema(name, schema=schema)
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    app.before_request(refuse_missing_body)
    app.before_request(resolve_bearer_early)
    app.extensions["mapper.api"] = api
    return api
