"""The one exception the geometry package raises.

Geometry comes from users (drawn polygons, uploaded GeoJSON), so every failure must be reportable
back to them: ``reason`` is a short user-safe message (French, like the UI), ``code`` is a stable
machine string clients can switch on, and ``location`` (lon, lat) points at the problem on a map
when there is one. The package stays free of Flask: the app's error handler maps this exception to
its problem+json / HTML rendering.
"""

from __future__ import annotations

CODES = frozenset(
    {
        "invalid_json",  # not JSON, not an object, no or unknown GeoJSON "type"
        "unsupported_crs",  # a "crs" member that is not WGS84 lon/lat
        "not_areal",  # Point, LineString... or nothing areal left after repair
        "unparsable",  # malformed coordinates: non-numeric, NaN, unclosed or short ring
        "empty",  # no coordinates at all
        "too_many_vertices",  # over the configured vertex limit
        "out_of_bounds",  # outside France (metropole, Corse, DROM)
        "swapped_coordinates",  # looks like [lat, lon] instead of [lon, lat]
        "self_intersection",  # topologically invalid (GEOS validity reason in the message)
    }
)


class GeometryError(Exception):
    """A user-supplied geometry was rejected.

    ``str(exc)`` is ``"<field>: <reason>"``; use the attributes, not the string, to render.
    """

    def __init__(
        self,
        reason: str,
        *,
        code: str,
        field: str = "geometry",
        location: tuple[float, float] | None = None,
    ) -> None:
        if code not in CODES:  # a typo here would silently break clients switching on code
            raise ValueError(f"unknown GeometryError code {code!r}")
        super().__init__(f"{field}: {reason}")
        self.reason = reason
        self.code = code
        self.field = field
        self.location = (float(location[0]), float(location[1])) if location else None

    def as_dict(self) -> dict:
        """JSON-ready form, e.g. for one entry of a problem+json ``errors`` list."""
        out = {"field": self.field, "code": self.code, "reason": self.reason}
        if self.location is not None:
            out["location"] = list(self.location)
        return out

    def __repr__(self) -> str:
        return (
            f"GeometryError(code={self.code!r}, field={self.field!r}, "
            f"reason={self.reason!r}, location={self.location!r})"
        )
