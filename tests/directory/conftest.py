"""Fixtures of the directory tests: a grid of communes around Paris, two CPTS (through the
world factory), bodies."""
from __future__ import annotations

import pytest

from tests.factories.world import WorldBuilder

#: 4×4 communes of 0.05° around Paris 14e: codes 75001 … 75016 (fictional codes).
ORIGIN = (2.25, 48.80)
STEP = 0.05


#: The two CPTS of the directory tests (projects of région 11, on disjoint communes).
TWO_CPTS = (("CPTS Paris 14", ["75001", "75002", "75005", "75006"]),
            ("CPTS Voisine", ["75003", "75004", "75007", "75008"]))


def build_communes(world: WorldBuilder) -> list[str]:
    return world.communes("75", ORIGIN, 4, STEP)


def build_two_cpts(world: WorldBuilder) -> list[int]:
    return [world.cpts(name, codes).id for name, codes in TWO_CPTS]


@pytest.fixture()
def world(session, settings, tmp_path) -> WorldBuilder:
    return WorldBuilder(session, settings, tmp_path)


@pytest.fixture()
def communes(session, world):
    codes = build_communes(world)
    session.commit()
    return codes


@pytest.fixture()
def two_cpts(session, world, communes):
    ids = build_two_cpts(world)
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
