"""Stand-in for API Géo (``https://geo.api.gouv.fr``), serving the communes it is given.

Implements ``GET /departements/<code>/communes`` the way the real API answers it: a bare JSON
array by default, a GeoJSON FeatureCollection with ``format=geojson`` whose geometry is chosen
by ``geometry=`` (``centre`` by default, ``contour`` for the polygons), properties limited by
``fields=``. An unknown département is a 404, as upstream.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from shapely.geometry import mapping, shape

from .http_base import RecordedRequest, Response, StandInServer

DEFAULT_FIELDS = ("nom", "code", "codesPostaux", "siren", "codeEpci", "codeDepartement", "codeRegion", "population")
GEOMETRY_FIELDS = ("centre", "contour", "bbox")


class ApiGeoStandIn(StandInServer):
    """``ApiGeoStandIn([{"code": "04001", "nom": ..., "codeDepartement": "04", ..., "contour": {...}}])``.

    Each commune is a dict with ``code``, ``nom``, ``codeDepartement``, ``codeRegion``,
    ``population`` and its polygon under ``contour`` (or ``geometry``); other keys are served
    as-is when asked for. ``departements`` lists codes that exist but have no commune here.
    """

    def __init__(self, communes: Iterable[dict], departements: Iterable[str] = ()):
        super().__init__()
        self.by_departement: dict[str, list[dict]] = defaultdict(list)
        for departement in departements:
            self.by_departement.setdefault(departement, [])
        for commune in communes:
            commune = dict(commune)
            commune.setdefault("contour", commune.pop("geometry", None))
            self.by_departement[commune["codeDepartement"]].append(commune)

    @property
    def base_url(self) -> str:
        return self.root_url

    def handle(self, request: RecordedRequest) -> Response:
        parts = request.path.strip("/").split("/")
        if request.method != "GET" or len(parts) != 3 or parts[0] != "departements" or parts[2] != "communes":
            return Response.json({"code": 404, "message": "Not Found"}, 404)
        code = parts[1]
        if code not in self.by_departement:
            return Response.json({"code": 404, "message": "Département non trouvé"}, 404)
        arg = lambda name: (request.query.get(name) or [""])[0]  # noqa: E731
        fields = [f for f in arg("fields").split(",") if f] or list(DEFAULT_FIELDS)
        communes = self.by_departement[code]
        if arg("format") != "geojson":
            return Response.json([_select(c, fields) for c in communes])
        geometry = arg("geometry") or "centre"
        if geometry not in GEOMETRY_FIELDS:
            return Response.json({"code": 400, "message": f"geometry: must be one of {GEOMETRY_FIELDS}"}, 400)
        properties = [f for f in fields if f not in GEOMETRY_FIELDS]
        features = [
            {"type": "Feature", "geometry": _geometry(c, geometry), "properties": _select(c, properties)}
            for c in communes
        ]
        return Response.json({"type": "FeatureCollection", "features": features})


def _geometry(commune: dict, kind: str) -> dict | None:
    contour = commune.get("contour")
    if kind == "contour" or contour is None:
        return contour
    polygon = shape(contour)
    if kind == "bbox":
        return mapping(polygon.envelope)
    point = polygon.centroid if polygon.centroid.within(polygon) else polygon.representative_point()
    return {"type": "Point", "coordinates": [round(point.x, 4), round(point.y, 4)]}


def _select(commune: dict, fields: list[str]) -> dict:
    """The requested fields the commune has, geometry fields computed like upstream."""
    out = {}
    for name in fields:
        if name in GEOMETRY_FIELDS:
            value = _geometry(commune, name)
            if value is not None:
                out[name] = value
        elif name in commune:
            out[name] = commune[name]
    return out
