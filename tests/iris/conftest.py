"""IRIS fixtures: the 5×5 grid of communes (tests/territories), and IRIS files built here in
their real formats: IGN's CONTOURS-IRIS as a Lambert-93 GeoPackage (written with GDAL through
pyogrio) and INSEE's « base-ic-evol-struct-pop » as a ``;`` CSV with a P21_POP column.

Commune 01001 (grid cell 0,0) is split into four IRIS (quadrants, type H); 01002 is one IRIS
(type Z). Populations are fractional, as INSEE publishes them, and sum to a little less than
the commune populations of the grid (another vintage).
"""
from __future__ import annotations

import numpy as np
from pyogrio.raw import write as write_layer
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, box

from tests.territories.conftest import GRID_ORIGIN, GRID_STEP, load_grid

SPLIT = "01001"
#: code → (name, type, population, (i0, j0, i1, j1) in cells of the grid)
IRIS = {
    "010010101": ("Vieux Port", "H", 212.37, (0, 0, 0.5, 0.5)),
    "010010102": ("Les Arènes", "H", 334.9, (0.5, 0, 1, 0.5)),
    "010010103": ("Saint-Roch", "H", 310.05, (0, 0.5, 0.5, 1)),
    "010010104": ("La Colline", "A", 97.6, (0.5, 0.5, 1, 1)),
    "010020000": ("Commune 01-2", "Z", 1987.4, (1, 0, 2, 1)),
}
FIELDS = ["CODE_IRIS", "NOM_IRIS", "INSEE_COM", "NOM_COM", "IRIS", "TYP_IRIS"]
TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def cell_polygon(cells):
    i0, j0, i1, j1 = cells
    x0, y0 = GRID_ORIGIN
    return box(x0 + i0 * GRID_STEP, y0 + j0 * GRID_STEP, x0 + i1 * GRID_STEP,
               y0 + j1 * GRID_STEP)


def lambert93(geom):
    densified = shapely.segmentize(geom, GRID_STEP / 20)
    return shapely.transform(densified, lambda xy: np.column_stack(
        TO_L93.transform(xy[:, 0], xy[:, 1])))


def write_contours(path, iris=IRIS, override=None, driver="GPKG", crs="EPSG:2154"):
    """A CONTOURS-IRIS layer; ``override`` = {code: {field: value}} to spoil one feature."""
    rows = []
    for code, (name, kind, _, cells) in iris.items():
        values = {"CODE_IRIS": code, "NOM_IRIS": name, "INSEE_COM": code[:5],
                  "NOM_COM": f"Commune {code[:5]}", "IRIS": code[5:], "TYP_IRIS": kind}
        values.update((override or {}).get(code, {}))
        geom = MultiPolygon([cell_polygon(cells)])
        rows.append((values, lambert93(geom) if crs == "EPSG:2154" else geom))
    write_layer(path, geometry=np.array([shapely.to_wkb(g) for _, g in rows], dtype=object),
                  field_data=[np.array([v[f] for v, _ in rows], dtype=object) for f in FIELDS],
                  fields=FIELDS, geometry_type="MultiPolygon", crs=crs, driver=driver,
                  layer="iris")
    return path


def write_populations(path, iris=IRIS, bad_line=None):
    """base-ic-evol-struct-pop: ``bad_line`` = (code, raw P21_POP) to spoil one line."""
    lines = ["IRIS;REG;DEP;UU2020;COM;LIBCOM;TRIRIS;GRD_QUART;LIBIRIS;TYP_IRIS;MODIF_IRIS;"
             "LAB_IRIS;P21_POP;P21_POP0002"]
    for code, (name, kind, population, _) in iris.items():
        raw = bad_line[1] if bad_line and bad_line[0] == code else f"{population:.10g}"
        lines.append(f"{code};84;01;01000;{code[:5]};Commune;;;{name};{kind};00;1;{raw};12.5")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def iris_population(code: str) -> float:
    return IRIS[code][2]


@pytest.fixture()
def iris_world(session, tmp_path):
    """The grid, then the IRIS contours and populations imported (committed)."""
    from mapper.imports.iris import import_iris_contours
    from mapper.imports.iris_population import import_iris_population

    load_grid(session, tmp_path)
    assert import_iris_contours(session, write_contours(tmp_path / "iris.gpkg")).ok
    assert import_iris_population(session, write_populations(tmp_path / "pop.csv")).ok
    session.commit()
    return session


@pytest.fixture()
def admin(accounts):
    from tests.support import bearer

    _, token = accounts("admin")
    return bearer(token)
