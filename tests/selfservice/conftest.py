"""The small fictional world of the page tests (tests.web.conftest.seed): three CPTS, the
validated « CPTS Sud » with two members and its website https://cpts-sud.example.org."""
from __future__ import annotations

import pytest

from tests.web.conftest import World, seed


@pytest.fixture()
def world(session, tmp_path) -> World:
    return seed(session, tmp_path)
