"""OGC API – Features under /ogc: the public layers for QGIS, GDAL and other GIS clients."""
from __future__ import annotations

from .views import bp

__all__ = ["bp"]
