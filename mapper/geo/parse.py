"""Turn user-supplied GeoJSON into a checked MultiPolygon, or a GeometryError saying why not.

Territories and intervention zones arrive as drawn or uploaded GeoJSON. Everything downstream
(PostGIS ``MultiPolygon, 4326`` columns, overlap checks, area in ``geography``) assumes a valid,
non-empty, areal geometry in France, so this is the single gate that establishes it. Checks run
cheapest first and stop at the first failure, each with a stable ``code`` and, where it helps, the
(lon, lat) of the problem so a map can show it:

1. JSON shape: object with a GeoJSON ``type``; Feature / FeatureCollection / GeometryCollection are
   unwrapped; a legacy ``crs`` member (RFC 7946 has none, QGIS writes one) is read and the
   coordinates reprojected to WGS84 lon/lat (:mod:`.crs`); Lambert-93 numbers without a ``crs``
   are recognised and reprojected too, and ``ParsedGeometry.crs`` says what was read.
2. Only Polygon and MultiPolygon are areal; anything else is ``not_areal``.
3. Coordinates walked once in Python: numeric, finite, closed rings of >= 4 positions, and the
   vertex count capped early so a huge payload costs little before it is refused.
4. Every vertex inside the France boxes (:mod:`.bounds`); if the swapped [lat, lon] reading would
   be, say so — it is the most common mistake with hand-made GeoJSON.
5. Topological validity via GEOS; reported with its location, or repaired on request.
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from .bounds import FRANCE_AREA, points_in_france
from .convert import areal_part
from .crs import (WGS84_DEFAULT, CrsProblem, CrsRead, declared_crs, detect_lambert93,
                  not_degrees, not_degrees_reason, to_wgs84)
from .errors import GeometryError
from .reasons import geos_problem, num, short

AREAL_TYPES = frozenset({"Polygon", "MultiPolygon"})
NON_AREAL_TYPES = frozenset({"Point", "MultiPoint", "LineString", "MultiLineString"})
_MAX_DEPTH = 8  # nesting of Feature/collections; deeper is abuse, not geography


@dataclass(frozen=True)
class ParsedGeometry:
    """A geometry that passed every check.

    ``geom`` is always a non-empty, valid MultiPolygon in WGS84 lon/lat (2D: any altitude is
    dropped); ``repaired`` says whether ``make_valid`` changed it; ``vertex_count`` counts the
    coordinates of ``geom`` as returned (after any repair or union), closing points included.
    ``crs`` is the coordinate system the input was read in (and whether it was reprojected).
    """

    geom: MultiPolygon
    repaired: bool
    vertex_count: int
    crs: CrsRead = WGS84_DEFAULT


def parse_areal(
    obj,
    *,
    field: str = "geometry",
    repair: bool = False,
    max_vertices: int = 100_000,
) -> ParsedGeometry:
    """Parse and validate an areal GeoJSON geometry, Feature or FeatureCollection.

    ``obj`` is a decoded GeoJSON dict (a JSON str/bytes is decoded first). A FeatureCollection
    or GeometryCollection is accepted when every member is areal, and its members are unioned.
    ``field`` names the request field in errors. With ``repair=True`` an invalid geometry is made
    valid and only its polygonal part kept, instead of being refused.

    Raises :class:`GeometryError`.
    """
    return _Parser(field, repair, max_vertices).parse(obj)


class _Parser:
    """One parse: holds the options and the running vertex count so helpers stay small."""

    def __init__(self, field: str, repair: bool, max_vertices: int) -> None:
        self.field = field
        self.repair = repair
        self.max_vertices = max_vertices
        self.vertices = 0
        self.declared: CrsRead | None = None
        self.crs: CrsRead = WGS84_DEFAULT

    def fail(self, code: str, reason: str, location=None) -> GeometryError:
        return GeometryError(reason, code=code, field=self.field, location=location)

    # -- 1. JSON shape ---------------------------------------------------------------------

    def parse(self, obj) -> ParsedGeometry:
        if isinstance(obj, (str, bytes, bytearray)):
            try:
                obj = json.loads(obj)
            except ValueError:
                raise self.fail("invalid_json", "le GeoJSON n'est pas du JSON valide") from None
        members = self.members(obj, "", 0)
        parts = [self.polygons(geometry, where) for geometry, where in members]
        parts = [(mp, where) for mp, where in parts if not mp.is_empty]
        if not parts:
            raise self.fail("empty", "la géométrie est vide")
        parts = self.reproject(parts)
        self.check_bounds(np.concatenate([shapely.get_coordinates(mp) for mp, _ in parts]))
        repaired = False
        valid = []
        for mp, where in parts:
            mp, fixed = self.make_valid(mp, where)
            valid.append(mp)
            repaired = repaired or fixed
        geom = valid[0] if len(valid) == 1 else areal_part(shapely.union_all(valid))
        self.check_edges(geom)
        return ParsedGeometry(geom, repaired, int(shapely.get_num_coordinates(geom)), self.crs)

    def members(self, obj, where: str, depth: int) -> list[tuple[dict, str]]:
        """The areal geometry dicts inside ``obj``, each with a prefix locating it for messages."""
        if not isinstance(obj, dict):
            raise self.fail("invalid_json", f"{where}un objet GeoJSON est attendu")
        if depth > _MAX_DEPTH:
            raise self.fail("invalid_json", f"{where}imbrication GeoJSON trop profonde")
        self.check_crs(obj, where)
        kind = obj.get("type")
        if kind in AREAL_TYPES:
            return [(obj, where)]
        if kind in NON_AREAL_TYPES:
            raise self.fail(
                "not_areal", f"{where}une surface (Polygon ou MultiPolygon) est attendue, pas {kind}"
            )
        if kind == "Feature":
            if "geometry" not in obj:
                raise self.fail("invalid_json", f"{where}l'entité n'a pas de membre « geometry »")
            if obj["geometry"] is None:
                return []
            return self.members(obj["geometry"], where, depth + 1)
        if kind in ("FeatureCollection", "GeometryCollection"):
            key = "features" if kind == "FeatureCollection" else "geometries"
            items = obj.get(key)
            if not isinstance(items, list):
                raise self.fail("invalid_json", f"{where}« {key} » doit être une liste")
            label = "entité" if kind == "FeatureCollection" else "géométrie"
            out = []
            for i, item in enumerate(items, 1):
                if kind == "FeatureCollection" and not (
                    isinstance(item, dict) and item.get("type") == "Feature"
                ):
                    raise self.fail("invalid_json", f"{where}{label} {i} : une Feature est attendue")
                out.extend(self.members(item, f"{where}{label} {i} : ", depth + 1))
            return out
        raise self.fail("invalid_json", f"{where}type GeoJSON inconnu : {kind!r}")

    def check_crs(self, obj: dict, where: str) -> None:
        if obj.get("crs") is None:
            return
        try:
            read = declared_crs(obj["crs"])
        except CrsProblem as exc:
            raise self.fail("unsupported_crs", f"{where}membre « crs » : {exc}") from None
        if self.declared is not None and self.declared.code != read.code:
            raise self.fail("unsupported_crs", f"{where}membre « crs » ({read.code}) différent de "
                            f"celui du reste du fichier ({self.declared.code})")
        self.declared = read

    def reproject(self, parts: list[tuple[MultiPolygon, str]]) -> list[tuple[MultiPolygon, str]]:
        """To WGS84 lon/lat from the declared CRS, or from Lambert-93 recognised by its numbers."""
        read = self.declared or WGS84_DEFAULT
        if self.declared is None:
            xy = np.concatenate([shapely.get_coordinates(mp) for mp, _ in parts])
            if not_degrees(xy):
                read = detect_lambert93(xy)
                if read is None:
                    raise self.fail("out_of_bounds", not_degrees_reason(xy))
        self.crs = read
        if not read.reprojected:
            return parts
        try:
            return [(shapely.transform(mp, lambda c: to_wgs84(c, read)), where)
                    for mp, where in parts]
        except CrsProblem as exc:
            raise self.fail("unsupported_crs", str(exc)) from None

    # -- 2./3. coordinates -----------------------------------------------------------------

    def polygons(self, geometry: dict, where: str) -> tuple[MultiPolygon, str]:
        if "coordinates" not in geometry:
            raise self.fail("unparsable", f"{where}membre « coordinates » absent")
        coords = geometry["coordinates"]
        if not isinstance(coords, (list, tuple)):
            raise self.fail("unparsable", f"{where}« coordinates » doit être une liste")
        if geometry["type"] == "Polygon":
            polys = [coords] if coords else []
        else:
            polys = coords
        out = []
        for poly in polys:
            if not isinstance(poly, (list, tuple)):
                raise self.fail("unparsable", f"{where}un polygone doit être une liste d'anneaux")
            rings = [self.ring(r, where) for r in poly]
            if rings:
                out.append(Polygon(rings[0], rings[1:]))
        return MultiPolygon(out), where

    def ring(self, ring, where: str) -> np.ndarray:
        if not isinstance(ring, (list, tuple)):
            raise self.fail("unparsable", f"{where}un anneau doit être une liste de positions")
        self.vertices += len(ring)
        if self.vertices > self.max_vertices:
            raise self.fail(
                "too_many_vertices",
                f"la géométrie dépasse la limite de {self.max_vertices} sommets ; "
                "simplifiez-la avant de l'envoyer",
            )
        pts = [self.position(p, where) for p in ring]
        if len(pts) < 4:
            raise self.fail(
                "unparsable", f"{where}un anneau doit avoir au moins 4 positions ({len(pts)} reçues)"
            )
        if pts[0] != pts[-1]:
            raise self.fail(
                "unparsable", f"{where}anneau non fermé : la dernière position doit répéter la première",
                location=pts[0],
            )
        return np.asarray(pts, dtype=float)

    def position(self, pos, where: str) -> tuple[float, float]:
        if not isinstance(pos, (list, tuple)) or len(pos) < 2:
            raise self.fail("unparsable", f"{where}position invalide : {short(pos)}")
        x, y = pos[0], pos[1]
        for v in (x, y):
            if type(v) is not float and type(v) is not int:  # fast path first: 100k positions
                if isinstance(v, bool) or not isinstance(v, numbers.Real):
                    raise self.fail("unparsable", f"{where}coordonnée non numérique : {short(v)}")
            try:
                finite = math.isfinite(v)
            except OverflowError:  # an integer of hundreds of digits
                finite = False
            if not finite:
                raise self.fail("unparsable", f"{where}coordonnée non finie : {short(v)}")
        return (float(x), float(y))

    # -- 4. bounds -------------------------------------------------------------------------

    def check_bounds(self, xy: np.ndarray) -> None:
        inside = points_in_france(xy)
        if inside.all():
            return
        if points_in_france(xy[:, ::-1]).all():
            # location is where the user meant, i.e. the swapped point, so a map can show it
            x, y = xy[0]
            raise self.fail(
                "swapped_coordinates",
                "les coordonnées semblent inversées : GeoJSON attend [longitude, latitude], "
                f"[{num(x)}, {num(y)}] devrait sans doute être [{num(y)}, {num(x)}]",
                location=(y, x),
            )
        lon, lat = xy[~inside][0]
        if abs(lon) > 180 or abs(lat) > 90:
            raise self.fail("out_of_bounds", not_degrees_reason(xy))
        raise self.fail(
            "out_of_bounds",
            f"le point [{num(lon)}, {num(lat)}] est hors de France "
            "(métropole, Corse, Guadeloupe, Martinique, Guyane, La Réunion, Mayotte)",
            location=(lon, lat),
        )

    def check_edges(self, geom: MultiPolygon) -> None:
        """Vertices all in boxes is not enough: an edge may cross between two boxes."""
        if FRANCE_AREA.covers(geom):
            return
        pt = geom.difference(FRANCE_AREA).representative_point()
        raise self.fail(
            "out_of_bounds",
            "la géométrie sort du territoire français entre deux de ses sommets",
            location=(pt.x, pt.y),
        )

    # -- 5. validity -----------------------------------------------------------------------

    def make_valid(self, mp: MultiPolygon, where: str) -> tuple[MultiPolygon, bool]:
        reason = shapely.is_valid_reason(mp)
        if reason == "Valid Geometry":
            return mp, False
        if not self.repair:
            text, location = geos_problem(reason)
            at = f" au point [{num(location[0])}, {num(location[1])}]" if location else ""
            raise self.fail("self_intersection", f"{where}géométrie invalide : {text}{at}", location)
        # "structure" keeps the union of overlapping parts and drops collapsed rings, which is
        # what a user drawing a territory means; "linework" would punch holes where parts overlap.
        fixed = areal_part(shapely.make_valid(mp, method="structure", keep_collapsed=False))
        if fixed.is_empty:
            raise self.fail(
                "not_areal", f"{where}après réparation, la géométrie n'a plus aucune surface"
            )
        if not fixed.is_valid:  # polygons extracted from a collection may still overlap
            fixed = areal_part(shapely.union_all(list(fixed.geoms)))
        return fixed, True

