"""The OpenAPI 3.0 definition of /ogc (the landing page's ``service-desc``) and the conformance
classes it declares. Written by hand, from the same lists the views use (collections, their
filters, the CRS), so the document cannot promise what the views do not do."""
from __future__ import annotations

from ..services.collections import FILTER_PATTERNS
from . import params

CONF = "http://www.opengis.net/spec/ogcapi-features-{part}/1.0/conf/{name}"
CONFORMANCE = [CONF.format(part=1, name="core"), CONF.format(part=1, name="geojson"),
               CONF.format(part=1, name="oas30"), CONF.format(part=2, name="crs")]

_JSON = {"application/json": {"schema": {"type": "object"}}}
_GEOJSON = {"application/geo+json": {"schema": {"type": "object"}}}
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/exception"}}}
_ERRORS = {"400": {"description": "Paramètre invalide ou inconnu", "content": _PROBLEM},
           "404": {"description": "Ressource introuvable", "content": _PROBLEM}}
_F = {"name": "f", "in": "query", "required": False, "style": "form", "explode": False,
      "schema": {"type": "string", "enum": ["json", "geojson"]}}
_F_HTML = dict(_F, schema={"type": "string", "enum": ["json", "geojson", "html"]})


def _param(name: str, schema: dict, description: str, explode: bool = False) -> dict:
    return {"name": name, "in": "query", "required": False, "style": "form",
            "explode": explode, "schema": schema, "description": description}


COMMON = [
    _param("limit", {"type": "integer", "minimum": 1, "maximum": params.INT_MAX,
                     "default": params.DEFAULT_LIMIT},
           f"Nombre d'objets par page (au-delà de {params.MAX_LIMIT} : ramené à "
           f"{params.MAX_LIMIT})."),
    _param("offset", {"type": "integer", "minimum": 0, "maximum": params.INT_MAX, "default": 0},
           "Rang du premier objet."),
    _param("bbox", {"type": "array", "minItems": 4, "maxItems": 6,
                    "items": {"type": "number"}},
           "minx,miny,maxx,maxy dans bbox-crs (CRS84 par défaut) ; le coin inférieur "
           "gauche d'abord (sinon 400)."),
    _param("bbox-crs", {"type": "string", "format": "uri", "enum": params.SUPPORTED_CRS},
           "CRS du bbox."),
    _param("crs", {"type": "string", "format": "uri", "enum": params.SUPPORTED_CRS},
           "CRS des géométries renvoyées (en-tête Content-Crs)."),
    _param("zoom", {"type": "integer", "minimum": 0, "maximum": params.MAX_ZOOM},
           "Niveau de zoom : géométries simplifiées à un demi-pixel de ce niveau."),
    _F,
]


def _get(summary: str, content: dict, parameters=(), op: str = "") -> dict:
    return {"get": {"summary": summary, "operationId": op, "parameters": list(parameters),
                    "responses": {"200": {"description": summary, "content": content},
                                  **_ERRORS}}}


def _collection_paths(collection) -> dict:
    base = f"/collections/{collection.id}"
    filters = [_param(name, {"type": "string", "pattern": f"^({FILTER_PATTERNS[name]})$"},
                      f"Filtre sur {name}.") for name in collection.filters]
    fid = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        base: _get(collection.title, _JSON, [_F], f"describe-{collection.id}"),
        base + "/items": _get(f"{collection.title} : objets", _GEOJSON, COMMON + filters,
                              f"get-{collection.id}-features"),
        base + "/items/{featureId}": _get(
            f"{collection.title} : un objet", _GEOJSON,
            [fid, COMMON[4], COMMON[5], _F], f"get-{collection.id}-feature"),
    }


def openapi_document(server: str, collections: dict) -> dict:
    paths = {
        "/": _get("Page d'accueil", {**_JSON, "text/html": {"schema": {"type": "string"}}},
                  [_F_HTML], "landing-page"),
        "/api": _get("Cette définition", {"application/vnd.oai.openapi+json;version=3.0": {
            "schema": {"type": "object"}}}, [_F], "api"),
        "/conformance": _get("Classes de conformité", _JSON, [_F], "conformance"),
        "/collections": _get("Collections", _JSON, [_F], "collections"),
    }
    for collection in collections.values():
        paths.update(_collection_paths(collection))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Carto CPTS – OGC API Features", "version": "1.0.0",
                 "description": "Données publiques : communes, CPTS, chevauchements, zones "
                                "blanches, professionnels, lieux et permanences."},
        "servers": [{"url": server.rstrip("/")}],
        "paths": paths,
        "components": {"schemas": {"exception": {
            "type": "object", "required": ["title", "status"],
            "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                           "status": {"type": "integer"}, "detail": {"type": "string"},
                           "errors": {"type": "object"}}}}},
    }
