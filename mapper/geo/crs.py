"""Coordinate reference systems of uploaded GeoJSON: read the legacy ``crs`` member, reproject to
WGS84 lon/lat, and recognise Lambert-93 coordinates that came without one.

RFC 7946 dropped the ``crs`` member, but QGIS still writes one in France by default
(``urn:ogc:def:crs:EPSG::2154``, Lambert-93). Refusing those files sent users back to QGIS for
nothing: pyproj knows every EPSG code, so the geometry is reprojected here, and the result says
which CRS was read (:class:`CrsRead`) so nobody is surprised. ``always_xy`` keeps (x, y) =
(easting, northing) or (lon, lat) whatever the CRS's official axis order, as GeoJSON files are
written. Coordinates outside the CRS's area of use are refused: a transformation there returns
numbers, but wrong ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from .bounds import points_in_france
from .reasons import WGS84_NAMES, num

#: Names a ``crs`` member may carry (EPSG/OGC URNs and URLs, ``EPSG:n``). Anything else (WKT,
#: PROJ strings, file names) is refused before pyproj sees it.
_CRS_NAME_RE = re.compile(
    r"^(urn:ogc:def:crs:(epsg|ogc):[0-9.]*:[a-z0-9]+"
    r"|epsg:[0-9]+"
    r"|https?://www\.opengis\.net/def/crs/(epsg|ogc)/[0-9.]+/[a-z0-9]+)$",
    re.IGNORECASE,
)
LAMBERT93 = "EPSG:2154"
#: Lambert-93 eastings/northings of metropolitan France (with a margin): the range where
#: coordinates without a ``crs`` member are read as Lambert-93 rather than refused.
LAMBERT93_EXTENT = (0.0, 6_000_000.0, 1_400_000.0, 7_200_000.0)
#: Degrees allowed outside a CRS's declared area of use (coastal zones run into the sea).
AREA_MARGIN = 0.5


@dataclass(frozen=True)
class CrsRead:
    """What the coordinates of an upload were read as.

    ``source`` is ``"declared"`` (a ``crs`` member), ``"detected"`` (no member, but the numbers
    are Lambert-93 eastings/northings) or ``"default"`` (none: WGS84 lon/lat, RFC 7946).
    """

    code: str
    name: str
    source: str
    reprojected: bool

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "source": self.source,
                "reprojected": self.reprojected}


WGS84_DEFAULT = CrsRead("OGC:CRS84", "WGS 84 (longitude/latitude)", "default", False)
WGS84_DECLARED = CrsRead("OGC:CRS84", "WGS 84 (longitude/latitude)", "declared", False)


class CrsProblem(ValueError):
    """A ``crs`` member or coordinates that cannot be read; ``str`` is the French reason."""


def declared_crs(member) -> CrsRead:
    """The CRS a GeoJSON ``crs`` member names (``reprojected`` False for WGS84 lon/lat, which
    needs nothing). Raises :class:`CrsProblem` for an unknown or unusable CRS."""
    name = _member_name(member)
    if name.strip().lower() in WGS84_NAMES:
        return WGS84_DECLARED
    crs = _crs(name.strip())
    if crs.is_geographic and crs.to_epsg() == 4326:
        return WGS84_DECLARED
    return CrsRead(_code(crs), crs.name, "declared", True)


def _member_name(member) -> str:
    if isinstance(member, dict) and member.get("type") == "name":
        name = (member.get("properties") or {}).get("name")
        if isinstance(name, str) and name.strip():
            return name
    if isinstance(member, dict) and str(member.get("type", "")).upper() == "EPSG":
        code = (member.get("properties") or {}).get("code")  # GeoJSON 2008 draft form
        if isinstance(code, (int, str)) and str(code).isdigit():
            return f"EPSG:{code}"
    raise CrsProblem("membre « crs » illisible : attendu {\"type\": \"name\", \"properties\": "
                     "{\"name\": \"urn:ogc:def:crs:EPSG::2154\"}}")


@lru_cache(maxsize=64)
def _crs(name: str) -> CRS:
    if len(name) > 100 or not _CRS_NAME_RE.match(name):
        raise CrsProblem(f"système de coordonnées « {name[:100]} » inconnu : indiquez un code "
                         "EPSG (par exemple EPSG:2154 pour Lambert-93)")
    try:
        crs = CRS.from_user_input(name)
    except CRSError:
        raise CrsProblem(f"système de coordonnées « {name} » inconnu : indiquez un code EPSG "
                         "(par exemple EPSG:2154 pour Lambert-93)") from None
    if crs.is_vertical or crs.is_geocentric or not (crs.is_projected or crs.is_geographic):
        raise CrsProblem(f"système de coordonnées « {name} » ({crs.name}) inutilisable : un "
                         "système géographique ou projeté en deux dimensions est attendu")
    return crs


def _code(crs: CRS) -> str:
    auth = crs.to_authority()
    return f"{auth[0]}:{auth[1]}" if auth else crs.name


@lru_cache(maxsize=64)
def _transformer(code: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(code), CRS.from_epsg(4326), always_xy=True)


def to_wgs84(xy: np.ndarray, read: CrsRead) -> np.ndarray:
    """(n, 2) coordinates in ``read``'s CRS → lon/lat. Raises :class:`CrsProblem` when a point
    falls outside the CRS's area of use (or cannot be transformed at all)."""
    x, y = _transformer(read.code).transform(xy[:, 0], xy[:, 1], errcheck=False)
    out = np.column_stack([x, y])
    bad = ~np.isfinite(out).all(axis=1)
    area = CRS.from_user_input(read.code).area_of_use
    if area is not None:
        w, s, e, n = area.bounds
        m = AREA_MARGIN
        bad |= ~((out[:, 0] >= w - m) & (out[:, 0] <= e + m)
                 & (out[:, 1] >= s - m) & (out[:, 1] <= n + m))
    if bad.any():
        px, py = xy[bad][0]
        where = f" ({area.name})" if area is not None and area.name else ""
        raise CrsProblem(f"la coordonnée [{num(px)}, {num(py)}] est hors de la zone de validité "
                         f"de {read.code} {read.name}{where} : vérifiez le membre « crs » "
                         "ou exportez le fichier en WGS84")
    return out


def not_degrees(xy: np.ndarray) -> bool:
    """True when some coordinate cannot be longitude/latitude degrees."""
    return bool((np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any())


def detect_lambert93(xy: np.ndarray) -> CrsRead | None:
    """Lambert-93 when every point lies in its metropolitan extent and lands in France once
    reprojected; else None."""
    x0, y0, x1, y1 = LAMBERT93_EXTENT
    if not ((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)).all():
        return None
    read = CrsRead(LAMBERT93, "RGF93 v1 / Lambert-93", "detected", True)
    try:
        lonlat = to_wgs84(xy, read)
    except CrsProblem:
        return None
    return read if points_in_france(lonlat).all() else None


def not_degrees_reason(xy: np.ndarray) -> str:
    bad = (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    x, y = xy[bad][0]
    return (f"Les coordonnées ne sont pas en degrés : [{num(x)}, {num(y)}] ; le fichier est sans "
            "doute projeté (Lambert-93 ?) : exportez en WGS84 ou déclarez le CRS "
            "(membre « crs », par exemple urn:ogc:def:crs:EPSG::2154)")
