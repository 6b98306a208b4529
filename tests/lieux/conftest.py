"""Fixtures of the places tests: the directory tests' grid of communes around Paris and their
two CPTS, and accounts for each role."""
from __future__ import annotations

import pytest

from tests.conftest import CSRF_TOKEN

from tests.directory.conftest import build_communes, build_two_cpts
from tests.factories.world import WorldBuilder


@pytest.fixture()
def world(session, settings, tmp_path) -> WorldBuilder:
    return WorldBuilder(session, settings, tmp_path)


@pytest.fixture()
def two_cpts(session, world):
    build_communes(world)
    ids = build_two_cpts(world)
    session.commit()
    return ids


@pytest.fixture()
def coordinator(accounts, two_cpts):
    return accounts("coordinator", cpts_id=two_cpts[0])[1]


@pytest.fixture()
def other_coordinator(accounts, two_cpts):
    return accounts("coordinator", cpts_id=two_cpts[1])[1]


def place_body(**overrides) -> dict:
    data = {"name": "MSP des Essais", "kind": "msp", "address": "18 rue d'Alésia",
            "postcode": "75014", "commune": "75002", "lat": 48.83, "lon": 2.32,
            "phone": "01 99 10 00 01", "accessible": True, "finess": "750712184"}
    data.update(overrides)
    return data


TOKEN = CSRF_TOKEN


