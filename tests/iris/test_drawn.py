"""Drawn territories against IRIS: geometric overlap, population weighted by the share of each
IRIS inside (brute force: the IRIS are grid rectangles, so the share is a ratio of widths)."""
from __future__ import annotations

import pytest

from tests.territories.conftest import cell_box, create

from .conftest import iris_population


def test_iris_candidate_against_a_drawn_cpts(iris_world, client, admin):
    create(client, admin, "CPTS Tracée", geometry=cell_box(0, 0, 0.5, 1))
    check = client.post("/api/v1/territories/check",
                        json={"iris": ["010010101", "010010102"]}).get_json()
    (o,) = check["overlaps"]
    assert (o["level"], o["shared_iris"]) == ("iris", ["010010101"])
    assert o["population_affected"] == pytest.approx(iris_population("010010101"), abs=2)


def test_drawn_candidate_against_iris_held(iris_world, client, admin):
    create(client, admin, "CPTS Nord", iris=["010010101", "010010102"])
    check = client.post("/api/v1/territories/check",
                        json={"geometry": cell_box(0.5, 0, 0.75, 0.5)}).get_json()
    (o,) = check["overlaps"]
    assert o["cpts"]["name"] == "CPTS Nord" and o["shared_iris"] == ["010010102"]
    assert o["population_affected"] == pytest.approx(iris_population("010010102") / 2, abs=2)
    pairs = client.get("/api/v1/territories/overlaps").get_json()["pairs"]
    assert pairs == []  # the drawing was only checked, not stored
    create(client, admin, "CPTS Tracée", geometry=cell_box(0.5, 0, 0.75, 0.5))
    (pair,) = client.get("/api/v1/territories/overlaps").get_json()["pairs"]
    assert pair["level"] == "iris" and pair["geometry"]["type"] == "MultiPolygon"
