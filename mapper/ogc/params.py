"""Query parameters of the OGC API – Features endpoints: parsed, or a 400 naming the parameter.

Unknown parameters are refused (Part 1, ``/req/core/query-param-unknown``). CRS are named by
their OGC URIs (``EPSG:2154`` is accepted as a shorthand): CRS84 (lon/lat, the default), EPSG:4326
(latitude first, as the EPSG registry orders it) and EPSG:2154 (Lambert-93, metres).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import BadRequest
from ..services.features import Output

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
#: Published CRS: URI -> (SRID, axes swapped, decimals kept).
CRS = {CRS84: (4326, False, 6), EPSG + "4326": (4326, True, 6), EPSG + "2154": (2154, False, 2)}
SUPPORTED_CRS = list(CRS)
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
INT_MAX = 2**31 - 1
#: Where each CRS's coordinates mean something: boxes are clipped to it before PostGIS
#: reprojects them (EPSG:2154: its projected bounds, from the EPSG registry).
VALID_AREA = {4326: (-180.0, -90.0, 180.0, 90.0),
              2154: (-378305.81, 6093283.21, 1212610.74, 7186901.68)}
#: Simplification of territory outlines when no ``zoom`` is given: ~50 m, invisible at the
#: scale of a département and a tenth of the vertices of a national layer.
DEFAULT_TOLERANCE = 0.0005
MAX_ZOOM = 22
ITEMS_PARAMS = {"f", "limit", "offset", "bbox", "bbox-crs", "crs", "zoom"}
ITEM_PARAMS = {"f", "crs", "zoom"}


@dataclass(frozen=True)
class ItemsQuery:
    limit: int
    offset: int
    box: tuple | None
    box_srid: int
    crs: str
    output: Output
    filters: dict


def fail(name: str, reason: str):
    raise BadRequest(f"Paramètre « {name} » invalide : {reason}.", errors={name: [reason]})


def check_known(args, allowed: set[str], html: bool = False) -> None:
    """400 on the first parameter not in ``allowed``, and on a format not offered (HTML only
    for the landing page)."""
    for name in args:
        if name not in allowed:
            fail(name, "paramètre inconnu")
    formats = ("json", "geojson", "html") if html else ("json", "geojson")
    if args.get("f") not in (None, *formats):
        fail("f", " ou ".join(formats) + " attendu")


def crs_uri(args, name: str) -> str:
    value = (args.get(name) or CRS84).strip()
    if value.upper().startswith("EPSG:"):
        value = EPSG + value[5:]
    if value.startswith("[") and value.endswith("]"):  # safe CURIE [EPSG:2154]
        return crs_uri({name: value[1:-1]}, name)
    if value not in CRS:
        fail(name, "CRS non pris en charge (" + ", ".join(SUPPORTED_CRS) + ")")
    return value


def _integer(args, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10) or not low <= int(raw) <= INT_MAX:
        fail(name, f"entier de {low} à {INT_MAX} attendu")
    # limit over the maximum: clamped, as Part 1 allows (/req/core/fc-limit-response-1)
    return min(int(raw), high) if high is not None else int(raw)


def _box(args, flip: bool) -> tuple | None:
    raw = args.get("bbox")
    if raw is None:
        return None
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        values = []
    if len(values) == 6:  # 3D box: heights dropped
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        fail("bbox", "quatre nombres attendus : minx,miny,maxx,maxy")
    if flip:
        values = [values[1], values[0], values[3], values[2]]
    if values[1] > values[3] or values[0] > values[2]:
        fail("bbox", "coin inférieur au-dessus du coin supérieur")
    return tuple(values)


def _clip(box: tuple | None, srid: int) -> tuple | None:
    if box is None:
        return None
    x0, y0, x1, y1 = VALID_AREA[srid]
    return (min(max(box[0], x0), x1), min(max(box[1], y0), y1),
            max(min(box[2], x1), x0), max(min(box[3], y1), y0))


def output(args, crs: str, default_tolerance: float | None, multi: bool = False) -> Output:
    srid, flip, decimals = CRS[crs]
    zoom = args.get("zoom")
    tolerance = default_tolerance
    if zoom is not None:
        level = _integer(args, "zoom", 0, 0, None)
        if level > MAX_ZOOM:
            fail("zoom", f"entier de 0 à {MAX_ZOOM} attendu")
        # half a 256-pixel tile's pixel at this zoom, in degrees
        tolerance = 360.0 / 256 / (2 ** level) / 2
    return Output(srid=srid, flip=flip, tolerance=tolerance, precision=decimals, multi=multi)


def items_query(args, filters: tuple[str, ...], polygons: bool) -> ItemsQuery:
    check_known(args, ITEMS_PARAMS | set(filters))
    crs = crs_uri(args, "crs")
    srid, flip, _ = CRS[crs_uri(args, "bbox-crs")]  # without a bbox, it has no effect
    return ItemsQuery(
        limit=_integer(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=_integer(args, "offset", 0, 0), box=_clip(_box(args, flip), srid),
        box_srid=srid, crs=crs,
        output=output(args, crs, DEFAULT_TOLERANCE if polygons else None, polygons),
        filters={name: args[name] for name in filters if name in args})
