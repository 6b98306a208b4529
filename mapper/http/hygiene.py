"""Input hygiene at the edge, for every request before any view runs: text PostgreSQL cannot
store (NUL, lone surrogates), JSON nested deeper than any real body or with numbers Python will
not read (over 4 300 digits), and identifiers in URLs beyond what an ``integer`` column holds.
(Large numbers that can be read are the schemas' business: each field states its range.)

Why here and not per field: these inputs are refused for the same reasons wherever they appear
(path, query string, form, JSON body), so one mechanism answers them all — a 400 that names the
parameter or the dotted JSON field, before anything is read from or written to the database.
The schemas then check what each field means (``mapper.schemas``).
"""
from __future__ import annotations

import json
import re

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from ..errors import BadRequest
from ..schemas.fields import INT4_MAX, text_problem

#: No real body nests deeper (a GeoJSON FeatureCollection of MultiPolygons is 7 levels).
MAX_JSON_DEPTH = 24


def up_to(limit: int) -> str:
    """A regular expression of the decimal numbers from 0 to ``limit``: a URL beyond it
    matches no route at all (a 404, where a converter refusing the value would make werkzeug
    answer 405 for the route's other methods)."""
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        if d != "0":
            rest = len(digits) - i - 1
            options.append(f"{digits[:i]}[0-{int(d) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class Int4Converter(IntegerConverter):
    """``<int:…>`` in routes: ASCII digits up to the largest ``integer`` PostgreSQL stores;
    anything beyond matches no route (a 404), instead of an overflow in the database."""

    regex = up_to(INT4_MAX)

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", INT4_MAX)
        super().__init__(map, *args, **kwargs)


def _walk(data, problems: dict[str, list[str]]) -> None:
    """Every string, key and integer of a parsed JSON body (iteratively: no recursion)."""
    stack = [("", data, 1)]
    while stack:
        path, value, depth = stack.pop()
        name = path or "body"
        if depth > MAX_JSON_DEPTH:
            problems.setdefault(name, []).append(
                f"JSON imbriqué sur plus de {MAX_JSON_DEPTH} niveaux")
            continue
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                problems.setdefault(name, []).append(problem)
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = text_problem(key)
                if problem:
                    problems.setdefault(name, []).append(f"nom de champ : {problem}")
                    continue
                stack.append((f"{path}.{key}" if path else key, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item, depth + 1)
                         for i, item in enumerate(value))


def _json_problems() -> dict[str, list[str]]:
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except RecursionError:
        return {"body": [f"JSON imbriqué sur plus de {MAX_JSON_DEPTH} niveaux"]}
    except json.JSONDecodeError:
        return {}  # not JSON at all: the view says so, naming the body
    except ValueError as exc:  # an integer of more than 4 300 digits
        return {"body": [f"nombre illisible : {str(exc)[:80]}"]}
    problems: dict[str, list[str]] = {}
    _walk(data, problems)
    return problems


_JSON_MIMETYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json$")


def request_problems() -> dict[str, list[str]]:
    """What of the current request cannot be read safely, by parameter or field."""
    problems: dict[str, list[str]] = {}
    problem = text_problem(request.path)
    if problem:
        problems["path"] = [problem]
    sources = [request.args] + ([request.form] if request.method != "GET" else [])
    for source in sources:
        for key, values in source.lists():
            name = "parametre" if text_problem(key) else key
            problem = next(filter(None, map(text_problem, (key, *values))), None)
            if problem:
                problems.setdefault(name, []).append(problem)
    if _JSON_MIMETYPE.match(request.mimetype or ""):
        problems.update(_json_problems())
    return problems


def init_app(app: Flask) -> None:
    """Registers the ``int`` URL converter (before any blueprint adds its rules) and the check
    of every request."""
    app.url_map.converters["int"] = Int4Converter

    @app.before_request
    def _refuse_unreadable_input():
        problems = request_problems()
        if problems:
            fields = ", ".join(sorted(problems))
            raise BadRequest(f"Valeur illisible ({fields}) : rien n'a été lu ni enregistré.",
                             errors=problems)
