from __future__ import annotations

import pytest

from ..factories.world import WorldBuilder


@pytest.fixture()
def world(session, settings, tmp_path) -> WorldBuilder:
    return WorldBuilder(session, settings, tmp_path)
