"""Fixtures of the territory tests: a synthetic grid of communes, tokens, and (session-scoped)
a committed database holding the real PACA communes and CPTS list, imported once."""
from __future__ import annotations

import pytest

from mapper.imports.communes import import_communes_file
from tests.factories.geo import grid_communes, write_geojson
from tests.support import bearer, real_communes_database

#: Grid of 5×5 square communes 01001…01025 (région 84), 0.05° a side, population 1000·k.
GRID_ORIGIN = (5.0, 45.0)
GRID_STEP = 0.05
GRID_N = 5


def grid_code(i: int, j: int) -> str:
    """Code of the commune in column i, row j (0-based) of the grid."""
    return f"01{j * GRID_N + i + 1:03d}"


def cell_box(i0: float, j0: float, i1: float, j1: float) -> dict:
    """A polygon over grid cells (fractional cell coordinates allowed)."""
    x0, y0 = GRID_ORIGIN
    s = GRID_STEP
    from tests.factories.geo import box

    return box(x0 + i0 * s, y0 + j0 * s, x0 + i1 * s, y0 + j1 * s)


def load_grid(session, tmp_path, departement="01", origin=GRID_ORIGIN, n=GRID_N):
    fc = grid_communes(departement, origin=origin, n=n, step=GRID_STEP)
    report = import_communes_file(session, write_geojson(tmp_path / f"grid{departement}.geojson",
                                                         fc), population_year=2023)
    assert report.ok, report.lines()
    session.commit()


@pytest.fixture()
def grid(session, tmp_path):
    load_grid(session, tmp_path)
    return session


@pytest.fixture()
def admin(accounts):
    _, token = accounts("admin")
    return bearer(token)


@pytest.fixture()
def ars84(accounts):
    _, token = accounts("ars", regions=["84"])
    return bearer(token)


def create(client, headers, name, communes=None, geometry=None, status=None, expect=201, **kw):
    body = {"name": name, **kw}
    if communes is not None:
        body["communes"] = communes
    if geometry is not None:
        body["geometry"] = geometry
    if status:
        body["status"] = status
    resp = client.post("/api/v1/cpts", json=body, headers=headers)
    assert resp.status_code == expect, resp.get_data(as_text=True)
    return resp.get_json()


def decide(client, headers, cpts_id, decision="valide", reason="conforme", expect=200):
    resp = client.post(f"/api/v1/cpts/{cpts_id}/decision",
                       json={"decision": decision, "reason": reason}, headers=headers)
    assert resp.status_code == expect, resp.get_data(as_text=True)
    return resp.get_json()


PACA_DEPARTEMENTS = ("04", "05", "06", "13", "83", "84")


@pytest.fixture(scope="session")
def paca_database(database_factory, shared_data):
    """A committed database with the communes of PACA, their populations and the real CPTS
    list (as projects), imported once per test session through the real importers."""
    from mapper.config import Settings
    from mapper.imports.cpts import import_cpts_file

    db = real_communes_database(database_factory("paca"), shared_data, PACA_DEPARTEMENTS)
    with db.session_scope() as session:
        report = import_cpts_file(session, shared_data / "cpts_paca.csv", status="projet",
                                  settings=Settings())
    db.paca_report = report
    yield db
    db.engine.dispose()
