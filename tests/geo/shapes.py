"""GeoJSON builders shared by the geometry tests."""
from __future__ import annotations

import pytest

from mapper.geo import GeometryError, parse_areal


def square(x, y, size=1.0):
    """A closed ring, counter-clockwise, lower-left corner at (x, y)."""
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


PARIS = polygon(square(2.3, 48.8, 0.1))
BOW_TIE = polygon([[2, 48], [3, 49], [3, 48], [2, 49], [2, 48]])


def refused(obj, **kw) -> GeometryError:
    with pytest.raises(GeometryError) as info:
        parse_areal(obj, **kw)
    return info.value
