"""Fixtures of the directory tests: a grid of communes around Paris, two CPTS, bodies."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper.imports.communes import import_communes_file
from tests.factories.geo import grid_communes, write_geojson

#: 4×4 communes of 0.05° around Paris 14e: codes 75001 … 75016 (fictional codes).
ORIGIN = (2.25, 48.80)
STEP = 0.05


@pytest.fixture()
def communes(session, tmp_path):
    path = write_geojson(tmp_path / "grid.geojson", grid_communes("75", ORIGIN, 4, STEP))
    report = import_communes_file(session, path, population_year=2023)
    assert report.ok
    session.commit()
    return [f"75{k:03d}" for k in range(1, 17)]


@pytest.fixture()
def two_cpts(session):
    ids = []
    for name, slug in (("CPTS Paris 14", "cpts-paris-14"), ("CPTS Voisine", "cpts-voisine")):
        ids.append(session.execute(text(
            "INSERT INTO cpts (name, slug, status, region) VALUES (:n, :s, 'projet', '11') "
            "RETURNING id"), {"n": name, "s": slug}).scalar_one())
    session.commit()
    return ids


def body(**overrides) -> dict:
    data = {
        "rpps": None, "first_name": "Anaïs", "last_name": "Martin", "profession": "60",
        "competencies": ["plaies-cicatrisation"], "accepts_new_patients": True,
        "home_visits": True, "languages": ["fr", "en"], "accessible": True,
        "phone": "0145000000", "private_phone": "0600000000", "email": "anais@example.org",
        "public_email": False,
        "sites": [{"address": "12 rue de la Paix", "postcode": "75014", "commune": "75002",
                   "lat": 48.83, "lon": 2.32}],
        "zones": [{"communes": ["75002", "75003"]}, {"radius_km": 3, "site": 0}],
        "slots": [{"weekday": 1, "start": "14:00", "end": "20:00", "kind": "snp", "site": 0}],
    }
    data.update(overrides)
    return data
