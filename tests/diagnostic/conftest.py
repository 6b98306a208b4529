from __future__ import annotations

import random

import pytest

from .world import add_professionals, load_communes


@pytest.fixture()
def world(session, tmp_path):
    rng = random.Random(15)
    codes = load_communes(session, tmp_path, rng)
    add_professionals(session, rng)
    session.flush()
    return codes
