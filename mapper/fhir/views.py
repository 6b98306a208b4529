"""The /fhir routes: metadata, search-type and read for every resource type of ``searches``.

Errors are ``OperationOutcome`` resources with the HTTP status of the service's exception
(400 naming the parameter, 404 for an unknown type or id); a 500 never shows internals.
"""
from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, Response, json, request
from werkzeug.exceptions import HTTPException

from ..db import get_session
from ..errors import MapperError, NotFound, ValidationFailed
from ..http.links import absolute
from . import params as P
from .capability import capability_statement
from .searches import SEARCHES

log = logging.getLogger(__name__)
FHIR_JSON = "application/fhir+json"
bp = Blueprint("fhir", __name__, url_prefix="/fhir")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


def fhir_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype=FHIR_JSON)


def outcome(status: int, diagnostics: str, *, code: str, expression: list[str] | None = None
            ) -> Response:
    issue = {"severity": "error" if status < 500 else "fatal", "code": code,
             "diagnostics": diagnostics}
    if expression:
        issue["expression"] = expression
    return fhir_response({"resourceType": "OperationOutcome", "issue": [issue]}, status)


@bp.errorhandler(MapperError)
def _mapper_error(exc: MapperError):
    fields = list((exc.errors or {}).keys()) if isinstance(exc.errors, dict) else None
    code = {400: "invalid", 404: "not-found", 422: "invalid"}.get(exc.status, "processing")
    status = 400 if exc.status == 422 else exc.status
    detail = exc.detail if fields is None else "; ".join(
        f"{k} : {', '.join(map(str, v))}" for k, v in exc.errors.items())
    return outcome(status, detail, code=code, expression=fields)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    code = {404: "not-found", 405: "not-supported"}.get(exc.code, "processing")
    return outcome(exc.code or 500, exc.description or exc.name, code=code)


def _page_link(relation: str, offset: int, count: int) -> dict:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("_offset", "_count")]
    args += [("_count", str(count)), ("_offset", str(offset))]
    return {"relation": relation, "url": absolute(request.path) + "?" + urlencode(args)}


def _bundle(kind: str, total: int, resources: list[dict], offset: int, count: int) -> dict:
    links = [_page_link("self", offset, count)]
    if offset + count < total:
        links.append(_page_link("next", offset + count, count))
    if offset > 0:
        links.append(_page_link("previous", max(0, offset - count), count))
    return {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links,
            "entry": [{"fullUrl": absolute(f"/fhir/{kind}/{r['id']}"), "resource": r,
                       "search": {"mode": "match"}} for r in resources]}


@bp.route("/", defaults={"rest": ""}, methods=ALL_METHODS)
@bp.route("/<path:rest>", methods=ALL_METHODS)
def elsewhere(rest: str):
    """What no route of this read-only API answers: a write (405) or an unknown path (404),
    as an OperationOutcome rather than the site's HTML error page."""
    if request.method not in ("GET", "HEAD"):
        return outcome(405, "API en lecture seule : seules les lectures (GET) sont servies.",
                       code="not-supported")
    raise NotFound(f"Chemin FHIR inconnu : /fhir/{rest}.")


@bp.get("/metadata")
def metadata():
    return fhir_response(capability_statement())


@bp.get("/<kind>")
def search(kind: str):
    found = SEARCHES.get(kind)
    if found is None:
        raise NotFound(f"Type de ressource non pris en charge : {kind}.")
    P.check_known(request.args, found.params)
    offset, count = P.paging(request.args)
    total, resources = found.run(get_session(), request.args, offset, count)
    return fhir_response(_bundle(kind, total, resources, offset, count))


@bp.get("/<kind>/<rid>")
def read(kind: str, rid: str):
    found = SEARCHES.get(kind)
    if found is None:
        raise NotFound(f"Type de ressource non pris en charge : {kind}.")
    try:
        return fhir_response(found.read(get_session(), rid))
    except ValidationFailed:
        raise NotFound(f"{kind}/{rid} introuvable.") from None
