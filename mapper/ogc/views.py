"""OGC API – Features (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 2 CRS by reference) under /ogc.

Thin views: parse the query (``params``), call ``services.collections``, add the links the
standard asks for. What QGIS and GDAL read first: the landing page's ``conformance``, ``data``
and ``service-desc`` links.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from ..db import get_session
from ..errors import NotFound
from ..http.links import external_url
from ..services import collections as service
from . import params
from .openapi import CONFORMANCE, openapi_document

bp = Blueprint("ogc", __name__, url_prefix="/ogc")
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def _link(href: str, rel: str, type_: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": type_, "title": title}


def _settings():
    return current_app.extensions["mapper.settings"]


def _wants_html() -> bool:
    if request.args.get("f") == "html":
        return True
    if request.args.get("f"):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > \
        request.accept_mimetypes["application/json"]


@bp.get("", strict_slashes=False)
def landing():
    params.check_known(request.args, {"f"}, html=True)
    links = [
        _link(external_url("ogc.landing"), "self", "application/json", "Cette page"),
        _link(external_url("ogc.landing", f="html"), "alternate", "text/html",
              "Cette page en HTML"),
        _link(external_url("ogc.api"), "service-desc", OPENAPI, "Définition de l'API (OpenAPI 3.0)"),
        _link(external_url("ogc.landing", f="html"), "service-doc", "text/html",
              "Documentation de l'API"),
        _link(external_url("ogc.conformance"), "conformance", "application/json",
              "Classes de conformité"),
        _link(external_url("ogc.collections"), "data", "application/json", "Collections"),
    ]
    if _wants_html():
        return render_template("ogc/landing.html", collections=service.COLLECTIONS.values(),
                               api_url=external_url("ogc.landing"))
    return jsonify(title="Carto CPTS – OGC API Features",
                   description="Communes, CPTS, chevauchements, zones blanches, professionnels "
                               "et lieux de santé (données publiques).", links=links)


@bp.get("/api")
def api():
    params.check_known(request.args, {"f"})
    resp = jsonify(openapi_document(external_url("ogc.landing"), service.COLLECTIONS))
    resp.mimetype = "application/vnd.oai.openapi+json"
    return resp


@bp.get("/conformance")
def conformance():
    params.check_known(request.args, {"f"})
    return jsonify(conformsTo=CONFORMANCE)


def _collection_json(collection: service.Collection) -> dict:
    items = external_url("ogc.items", collection_id=collection.id)
    box = service.extent(get_session(), collection) or [-180.0, -90.0, 180.0, 90.0]
    return {
        "id": collection.id, "title": collection.title, "description": collection.description,
        "itemType": "feature",
        "extent": {"spatial": {"bbox": [box], "crs": params.CRS84}},
        "crs": params.SUPPORTED_CRS, "storageCrs": params.CRS84,
        "links": [
            _link(external_url("ogc.collection", collection_id=collection.id), "self",
                  "application/json", collection.title),
            _link(items, "items", GEOJSON, f"{collection.title} (GeoJSON)"),
        ],
    }


@bp.get("/collections")
def collections():
    params.check_known(request.args, {"f"})
    return jsonify(
        links=[_link(external_url("ogc.collections"), "self", "application/json",
                     "Collections")],
        collections=[_collection_json(c) for c in service.COLLECTIONS.values()],
        crs=params.SUPPORTED_CRS)


def _get(collection_id: str) -> service.Collection:
    collection = service.COLLECTIONS.get(collection_id)
    if collection is None:
        raise NotFound(f"Collection inconnue : {collection_id}.")
    return collection


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    params.check_known(request.args, {"f"})
    return jsonify(_collection_json(_get(collection_id)))


def _page_links(collection_id: str, query: params.ItemsQuery, returned: int,
                matched: int | None) -> list[dict]:
    args = {k: v for k, v in request.args.items() if k != "offset"}

    def at(offset: int) -> str:
        return external_url("ogc.items", collection_id=collection_id,
                            **dict(args, offset=offset) if offset else args)
    links = [_link(at(query.offset), "self", GEOJSON, "Cette page")]
    more = returned == query.limit if matched is None else query.offset + returned < matched
    if more:
        links.append(_link(at(query.offset + query.limit), "next", GEOJSON, "Page suivante"))
    if query.offset > 0:
        links.append(_link(at(max(0, query.offset - query.limit)), "prev", GEOJSON,
                           "Page précédente"))
    return links


def _geojson(body: str, crs: str) -> Response:
    return Response(body, mimetype=GEOJSON, headers={"Content-Crs": f"<{crs}>"})


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    collection = _get(collection_id)
    query = params.items_query(request.args, collection.filters, collection.polygons)
    bad = service.bad_filters(collection, query.filters)
    if bad:
        name, reason = next(iter(bad.items()))
        params.fail(name, reason)
    session = get_session()
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    selected = service.query(session, _settings(), collection, query.filters, box=query.box,
                             box_srid=query.box_srid)
    matched = service.count_matching(session, selected)
    returned = min(query.limit, max(0, matched - query.offset))
    members = {"timeStamp": stamp, "numberMatched": matched,
               "links": _page_links(collection_id, query, returned, matched)}
    body, _ = service.page(session, selected, output=query.output, limit=query.limit,
                           offset=query.offset, members=members)
    return _geojson(body, query.crs)


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    collection = _get(collection_id)
    params.check_known(request.args, params.ITEM_PARAMS)
    crs = params.crs_uri(request.args, "crs")
    body = service.item(get_session(), _settings(), collection, feature_id,
                        params.output(request.args, crs, None, collection.polygons))
    if body is None:
        raise NotFound(f"Objet inconnu dans « {collection_id} » : {feature_id}.")
    links = [_link(external_url("ogc.item", collection_id=collection_id, feature_id=feature_id),
                   "self", GEOJSON, "Cet objet"),
             _link(external_url("ogc.collection", collection_id=collection_id), "collection",
                   "application/json", collection.title)]
    return _geojson(service.with_links(body, links), crs)
