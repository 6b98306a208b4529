"""The OpenAPI document says what the API does.

flask-smorest documents errors as its own ``{code, status, message}`` JSON; this API answers
every error as ``application/problem+json`` (RFC 9457, ``mapper.http.problems``). ``ProblemApi``
documents that shape and content type for every error response, and ``ErrorResponses`` lists,
on each operation, the errors it can answer: 400 (unreadable input, ``http.hygiene``) and 503
(database away) everywhere, 401/403 where a token is needed, 404 where the path names a
resource, 413 where a body is sent. Anything else an operation may answer is declared on the
operation itself (422 for its arguments, 409 for conflicts).
"""
from __future__ import annotations

import http

from apispec import BasePlugin
from flask import current_app, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import INCLUDE, Schema, fields

from ..errors import BadRequest

PROBLEM_JSON = "application/problem+json"


class ProblemSchema(Schema):
    """An error (RFC 9457); some carry more members (``overlaps``, ``existing_id``…)."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True, metadata={"example": "urn:carto-cpts:problem:not-found"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={"description": "En français"})
    instance = fields.String()
    errors = fields.Dict(metadata={"description": "Raisons par champ (noms pointés)"})
    incident = fields.String(metadata={"description": "Identifiant d'une erreur interne"})


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Une erreur (problem+json)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


class ErrorResponses(BasePlugin):
    """The errors every operation can answer, by what it takes."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            wanted = {"400": "BAD_REQUEST", "503": "SERVICE_UNAVAILABLE"}
            if operation.get("security"):
                wanted.update({"401": "UNAUTHORIZED", "403": "FORBIDDEN"})
            if "{" in (path or ""):
                wanted["404"] = "NOT_FOUND"
            if method in ("post", "put", "patch"):
                wanted["413"] = "REQUEST_ENTITY_TOO_LARGE"
            for code, name in wanted.items():
                responses.setdefault(code, name)


def requires_body(view) -> bool:
    """Whether the operation documents a required JSON body (``@blp.arguments``)."""
    arguments = getattr(view, "_apidoc", {}).get("arguments", {})
    return any(p.get("in") == "json" and p.get("required", True)
               for p in arguments.get("parameters", []))


def refuse_missing_body() -> None:
    """A body the document says is required must be sent: none at all is a 400 (``{}`` is a
    body, judged by the schema)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and requires_body(view) and not request.get_data(cache=True):
        raise BadRequest("Le corps de la requête (JSON) est requis.",
                         errors={"body": ["corps JSON requis"]})
