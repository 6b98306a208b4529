"""POST /api/v1/territories/check: measures, overlap rules, whole-city expansion."""
from __future__ import annotations

import pytest

from .conftest import cell_box, create, decide, grid_code

pytestmark = pytest.mark.usefixtures("grid")


def check(client, **body):
    resp = client.post("/api/v1/territories/check", json=body)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_check_of_communes_measures_population_area_and_category(client):
    out = check(client, communes=["01001", "01002"])
    assert out["population"] == 3000
    assert out["population_year"] == 2023
    # two 0.05° squares at 45°N ≈ 2 × 21.9 km² (geography)
    assert 42 < out["area_km2"] < 46
    assert out["size_category"] == 1
    assert [c["code"] for c in out["communes"]] == ["01001", "01002"]
    assert all(c["share"] == 1.0 for c in out["communes"])
    assert out["overlaps"] == [] and out["conflicts_with_validated"] is False
    assert "expanded" not in out


@pytest.mark.parametrize("population,category", [
    (0, 1), (39_999, 1), (40_000, 2), (79_999, 2), (80_000, 3), (174_999, 3), (175_000, 4)])
def test_size_categories(population, category):
    from mapper.vocab import size_category

    assert size_category(population) == category


def test_overlap_between_commune_territories_is_exactly_the_shared_communes(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    out = check(client, communes=[grid_code(1, 0), grid_code(2, 0)])
    assert len(out["overlaps"]) == 1
    o = out["overlaps"][0]
    assert o["cpts"] == {"id": a["id"], "name": "CPTS A", "slug": "cpts-a", "status": "projet"}
    assert o["shared_communes"] == [grid_code(1, 0)]
    assert o["population_affected"] == 2000
    assert o["population_method"] == "communes"
    assert o["share_of_candidate"] == pytest.approx(0.5, abs=0.01)
    assert o["share_of_existing"] == pytest.approx(0.5, abs=0.01)
    assert o["arbitrated"] is False
    assert out["conflicts_with_validated"] is False


def test_touching_commune_territories_do_not_overlap(client, admin):
    create(client, admin, "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    assert check(client, communes=[grid_code(2, 0), grid_code(0, 1)])["overlaps"] == []


def test_drawn_polygon_is_measured_area_weighted(client):
    # half of 01001 and all of 01002
    out = check(client, geometry=cell_box(0.5, 0, 2, 1))
    shares = {c["code"]: c["share"] for c in out["communes"]}
    assert shares == {grid_code(0, 0): pytest.approx(0.5, abs=0.01), grid_code(1, 0): 1.0}
    assert out["population"] == pytest.approx(500 + 2000, abs=5)
    assert out["area_km2"] == pytest.approx(1.5 * 21.9, rel=0.03)


def test_drawn_against_communes_overlap_is_geometric_and_area_weighted(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    out = check(client, geometry=cell_box(1.5, 0, 3, 1))
    [o] = out["overlaps"]
    assert o["cpts"]["id"] == a["id"]
    assert o["shared_communes"] == []
    assert o["population_method"] == "area_weighted"
    assert o["population_affected"] == pytest.approx(1000, abs=10)  # half of 01002 (2000)
    assert o["share_of_existing"] == pytest.approx(0.25, abs=0.01)


def test_drawn_touching_or_sliver_is_not_an_overlap(client, admin):
    create(client, admin, "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    assert check(client, geometry=cell_box(2, 0, 3, 1))["overlaps"] == []  # touching
    # a hair-thin strip (≈ 0.4 m wide) along the shared edge is a sliver
    assert check(client, geometry=cell_box(1.99999, 0, 3, 1))["overlaps"] == []


def test_drawn_against_drawn(client, admin):
    a = create(client, admin, "CPTS Dessin", geometry=cell_box(0, 0, 2, 2))
    assert a["properties"]["territory_kind"] == "drawn"
    out = check(client, geometry=cell_box(1, 1, 3, 3))
    [o] = out["overlaps"]
    assert o["cpts"]["id"] == a["id"]
    assert o["population_method"] == "area_weighted"
    assert o["share_of_existing"] == pytest.approx(0.25, abs=0.01)
    # the overlap is exactly cell (1,1): commune 01007, population 7000
    assert o["population_affected"] == pytest.approx(7000, abs=20)
    # and a commune list against the drawn CPTS
    out = check(client, communes=[grid_code(1, 1), grid_code(4, 4)])
    [o] = out["overlaps"]
    assert o["overlap_area_km2"] == pytest.approx(21.9, rel=0.03)
    assert check(client, geometry=cell_box(2, 0, 3, 2))["overlaps"] == []  # touching


def test_conflict_with_validated_is_flagged(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0)])
    decide(client, admin, a["id"])
    out = check(client, communes=[grid_code(0, 0), grid_code(1, 0)])
    assert out["conflicts_with_validated"] is True
    assert out["overlaps"][0]["cpts"]["status"] == "valide"


def test_exclude_cpts_checks_an_edit(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0)])
    out = check(client, communes=[grid_code(0, 0)], exclude_cpts=a["id"])
    assert out["overlaps"] == []


def test_rejected_cpts_claim_nothing(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0)])
    decide(client, admin, a["id"], "rejete", "hors critères")
    assert check(client, communes=[grid_code(0, 0)])["overlaps"] == []


def test_whole_city_code_expands_to_arrondissements(client, session, tmp_path):
    from mapper.imports.communes import import_communes_file
    from tests.factories.geo import box, collection, feature, write_geojson

    feats = [feature(f"751{n:02d}", f"Paris {n}e", box(2.3 + n * 0.001, 48.8,
                                                         2.3 + (n + 1) * 0.001, 48.81),
                     departement="75", population=100) for n in range(1, 21)]
    import_communes_file(session, write_geojson(tmp_path / "p.geojson", collection(*feats)))
    session.commit()
    out = check(client, communes=["75056"])
    assert out["expanded"] == {"75056": [f"751{n:02d}" for n in range(1, 21)]}
    assert len(out["communes"]) == 20 and out["population"] == 2000
