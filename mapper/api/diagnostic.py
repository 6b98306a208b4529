"""GET /api/v1/diagnostic: the territorial diagnostic of a CPTS, communes, a département or a
région (JSON, CSV or GeoJSON). Anonymous and read-only: it shows aggregates of the public
directory."""
from __future__ import annotations

import json

from flask import Response
from flask_smorest import Blueprint

from ..db import get_session
from ..schemas.diagnostic import DiagnosticQuerySchema
from ..services.territories.diagnostic import (diagnostic_csv, diagnostic_geojson,
                                               territorial_diagnostic)
from .schemas import GEOJSON

blp = Blueprint("diagnostic", __name__, url_prefix="/api/v1/diagnostic",
                description="Diagnostic territorial : offre, densités, accessibilité (2SFCA)")

TERRITORY_KEYS = ("cpts", "communes", "departement", "region")


@blp.route("")
@blp.arguments(DiagnosticQuerySchema, location="query")
@blp.doc(responses={
    "200": {"description": "Le diagnostic (JSON), ses lignes (CSV) ou ses communes (GeoJSON)",
            "content": {"application/json": {"schema": "Diagnostic"},
                        "text/csv": {"schema": {"type": "string"}},
                        GEOJSON: {"schema": "FeatureCollection"}}},
    "404": "NOT_FOUND"})
def get(args):
    """Diagnostic d'un territoire : un et un seul de ``cpts``, ``communes``, ``departement``,
    ``region`` ; ``profession`` (codes séparés par des virgules) pour en choisir.

    Par profession : effectif, densité pour 10 000 habitants (et celles du département, de la
    région et de la France), part acceptant de nouveaux patients, population atteinte par une
    zone d'intervention, indice d'accessibilité 2SFCA (Luo & Wang 2003) ; par commune :
    l'indice. La méthode, ses paramètres et ses limites sont dans ``method``.

    422 (problem+json, le champ fautif nommé dans ``errors``) : profession inconnue, aucun ou
    plusieurs territoires, territoire vide, trop de communes."""
    territory = {k: args.get(k) for k in TERRITORY_KEYS}
    result = territorial_diagnostic(get_session(), territory, args["professions"])
    if args["format"] == "csv":
        return Response("\ufeff" + diagnostic_csv(result), mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="diagnostic.csv"'})
    if args["format"] == "geojson":
        return Response(json.dumps(diagnostic_geojson(get_session(), result),
                                   ensure_ascii=False), mimetype=GEOJSON)
    return Response(json.dumps(result, ensure_ascii=False), mimetype="application/json")
