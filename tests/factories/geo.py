"""Plain-function factories for GeoJSON fixtures (no shared data needed)."""
from __future__ import annotations

import json
from pathlib import Path


def box(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feature(code: str | None, nom: str | None, geometry: dict | None, **props) -> dict:
    p = {k: v for k, v in {"code": code, "nom": nom, **props}.items() if v is not None}
    return {"type": "Feature", "properties": p, "geometry": geometry}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def write_geojson(path: Path, fc: dict) -> Path:
    path.write_text(json.dumps(fc), encoding="utf-8")
    return path


def grid_communes(departement: str, origin=(2.0, 47.0), n: int = 3, step: float = 0.05,
                  population: int | None = 1000) -> dict:
    """An n×n grid of square communes sharing edges, codes <dep>001…; a tiling with no overlap."""
    feats = []
    k = 1
    for j in range(n):
        for i in range(n):
            x0, y0 = origin[0] + i * step, origin[1] + j * step
            props = {"departement": departement}
            if population is not None:
                props["population"] = population * k
            feats.append(feature(f"{departement}{k:03d}", f"Commune {departement}-{k}",
                                 box(x0, y0, x0 + step, y0 + step), **props))
            k += 1
    return collection(*feats)
