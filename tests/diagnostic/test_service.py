"""The diagnostic's figures against brute force in Python over the same tables: counts,
densities (territory, département, région, France), accepting share, population reached by
intervention zones, and the 2SFCA index (Luo & Wang 2003 with the bands stated in the
response) on random territories, with supply just outside the border and empty communes."""
from __future__ import annotations

import random
from collections import defaultdict

import pytest
from shapely import wkb
from sqlalchemy import text

from mapper.errors import ValidationFailed
from mapper.services.territories.diagnostic import territorial_diagnostic

from .world import PROFESSIONS, haversine

BANDS = ((5000, 1.0), (15000, 2 / 3), (30000, 1 / 3))


def weight(d):
    return next((w for bound, w in BANDS if d <= bound), 0.0)


def tables(session):
    communes = {r.code: r for r in session.execute(text(
        "SELECT code, departement, region, coalesce(population, 0) AS population, "
        "ST_X(pop_point) AS x, ST_Y(pop_point) AS y FROM commune"))}
    sites = session.execute(text(
        "SELECT s.professional_id AS pid, p.profession_code AS prof, s.commune_code AS code, "
        "ST_X(s.geom) AS x, ST_Y(s.geom) AS y, p.accepts_new_patients AS acc "
        "FROM practice_site s JOIN professional p ON p.id = s.professional_id")).all()
    zones = [(prof, wkb.loads(bytes(g))) for prof, g in session.execute(text(
        "SELECT p.profession_code, ST_AsBinary(z.geom) FROM intervention_zone z "
        "JOIN professional p ON p.id = z.professional_id"))]
    return communes, sites, zones


def brute_2sfca(communes, sites, codes):
    located = [s for s in sites if s.x is not None]
    n_sites = defaultdict(int)
    for s in located:
        n_sites[s.pid] += 1
    ratio = []
    for s in located:
        demand = sum(weight(haversine(c.x, c.y, s.x, s.y)) * c.population
                     for c in communes.values() if c.x is not None)
        if demand > 0:
            ratio.append((s, (1 / n_sites[s.pid]) / demand))
    out = {}
    for code in codes:
        c = communes[code]
        out[code] = {p: 10_000 * sum(weight(haversine(c.x, c.y, s.x, s.y)) * r
                                     for s, r in ratio if s.prof == p) for p in PROFESSIONS}
    return out


def brute_density(communes, sites, where, prof):
    pop = sum(c.population for c in communes.values() if where(c))
    n = len({s.pid for s in sites if s.prof == prof and s.code and where(communes[s.code])})
    return round(n * 10_000 / pop, 3) if pop else None


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_figures_equal_brute_force_on_random_territories(session, world, seed):
    from shapely.geometry import Point

    rng = random.Random(seed)
    codes = sorted(rng.sample([c for c in world if c.startswith("01")], rng.randint(1, 14)))
    result = territorial_diagnostic(session, {"communes": codes}, list(PROFESSIONS))
    communes, sites, zones = tables(session)
    inside = set(codes)
    pop = sum(communes[c].population for c in codes)
    assert result["territory"]["population"] == pop
    expected = brute_2sfca(communes, sites, codes)
    by_code = {c["code"]: c for c in result["communes"]}
    for code in codes:
        for prof in PROFESSIONS:
            assert by_code[code]["accessibility"][prof] == pytest.approx(
                expected[code][prof], rel=1e-6, abs=2e-6), (code, prof)
    for p in result["professions"]:
        prof = p["code"]
        mine = {s.pid: s.acc for s in sites if s.prof == prof and s.code in inside}
        assert p["count"] == len(mine)
        assert p["accepting_new_patients"] == sum(1 for a in mine.values() if a)
        assert p["density"] == (round(len(mine) * 10_000 / pop, 3) if pop else None)
        assert p["density_departement"] == brute_density(
            communes, sites, lambda c: c.departement == "01", prof)
        assert p["density_region"] == brute_density(
            communes, sites, lambda c: c.region == "84", prof)
        france_pop = sum(c.population for c in communes.values())
        assert p["density_france"] == round(
            len({s.pid for s in sites if s.prof == prof}) * 10_000 / france_pop, 3)
        reached = sum(communes[c].population for c in codes if any(
            z_prof == prof and z.intersects(Point(communes[c].x, communes[c].y))
            for z_prof, z in zones))
        assert p["population_reached_by_zones"] == reached
        if pop:
            mean = sum(expected[c][prof] * communes[c].population for c in codes) / pop
            assert p["accessibility"] == pytest.approx(mean, rel=1e-4, abs=1e-4)


def test_supply_beyond_the_border_counts(session, world):
    """A site just across the border raises the index of the border commune (no edge
    effect), though it is not in the territory's count."""
    codes = ["01006"]  # the east edge of 01, against 38
    before = territorial_diagnostic(session, {"communes": codes}, ["50"])
    pid = session.execute(text("INSERT INTO professional (last_name, profession_code, source) "
                               "VALUES ('Voisin', '50', 'api') RETURNING id")).scalar_one()
    session.execute(text("""
        INSERT INTO practice_site (professional_id, profession_code, address, address_key,
            commune_code, geom, precision, geocode_status, geocode_source, source)
        VALUES (:p, '50', 'x', 'x', '38001',
                ST_SetSRID(ST_MakePoint(4.301, 45.02), 4326), 'address', 'ok', 'given', 'api')"""),
        {"p": pid})
    after = territorial_diagnostic(session, {"communes": codes}, ["50"])
    assert after["professions"][0]["count"] == before["professions"][0]["count"]
    assert after["professions"][0]["accessibility"] > before["professions"][0]["accessibility"]


def test_empty_communes_get_an_index_and_weigh_nothing(session, world):
    session.execute(text("UPDATE commune SET population = 0 WHERE code IN ('01001', '01002')"))
    result = territorial_diagnostic(session, {"communes": ["01001", "01002"]}, ["10"])
    assert result["territory"]["population"] == 0
    assert result["professions"][0]["density"] is None
    assert result["professions"][0]["accessibility"] is None
    assert all(c["accessibility"]["10"] >= 0 for c in result["communes"])


@pytest.mark.parametrize("args, field", [
    ({}, "communes"),
    ({"communes": ["01001"], "departement": "01"}, "departement"),
    ({"departement": "99"}, "departement"),
    ({"communes": ["99999"]}, "communes"),
])
def test_bad_territories_name_the_field(session, world, args, field):
    with pytest.raises(ValidationFailed) as err:
        territorial_diagnostic(session, args, ["10"])
    assert field in err.value.errors


def test_unknown_profession_names_the_field(session, world):
    with pytest.raises(ValidationFailed) as err:
        territorial_diagnostic(session, {"communes": ["01001"]}, ["zz"])
    assert "profession" in err.value.errors


def test_method_is_stated(session, world):
    result = territorial_diagnostic(session, {"departement": "01"}, ["10"])
    access = result["method"]["accessibility"]
    assert access["catchment_km"] == 30
    assert [b["to_km"] for b in access["bands"]] == [5, 15, 30]
    assert any("vol d'oiseau" in limit for limit in access["limits"])
    assert any("temps plein" in limit for limit in access["limits"])
    assert result["territory"]["departement"] == "01"
    assert result["territory"]["region"] == "84"


def test_national_command(fresh_database, tmp_path):
    """`mapper diagnostic --national --profession 60`: every commune, the same values as a
    territory's diagnostic gives them."""
    from click.testing import CliRunner
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from mapper.cli import main

    from .world import add_professionals, load_communes

    engine = create_engine(fresh_database.replace("postgresql://", "postgresql+psycopg://", 1)
                           if fresh_database.startswith("postgresql://") else fresh_database)
    with Session(engine) as s:
        rng = random.Random(8)
        load_communes(s, tmp_path, rng)
        add_professionals(s, rng)
        s.commit()
        expected = territorial_diagnostic(s, {"communes": ["01001", "38036"]}, ["60"])
    out = tmp_path / "national.csv"
    result = CliRunner().invoke(main, ["diagnostic", "--national", "--profession", "60",
                                       "--output", str(out)],
                                env={"MAPPER_DATABASE_URL": fresh_database})
    assert result.exit_code == 0, result.output
    assert "72 communes" in result.output and "peak memory" in result.output
    values = {c: v for _, c, v in (line.split(";") for line in out.read_text().splitlines()[1:])}
    for c in expected["communes"]:
        assert float(values[c["code"]]) == pytest.approx(c["accessibility"]["60"], abs=2e-6)
    result = CliRunner().invoke(main, ["diagnostic", "--national", "--profession", "60",
                                       "--store"], env={"MAPPER_DATABASE_URL": fresh_database})
    assert result.exit_code == 0 and "(stored)" in result.output, result.output
    with Session(engine) as s:
        stored = territorial_diagnostic(s, {"communes": ["01001", "38036"]}, ["60", "10"])
    by_code = {p["code"]: p for p in stored["professions"]}
    assert by_code["60"]["accessibility_source"] == "stored"
    assert by_code["60"]["accessibility_computed_at"]
    assert by_code["10"]["accessibility_source"] == "live"
    assert by_code["60"]["accessibility"] == pytest.approx(
        expected["professions"][0]["accessibility"], abs=1e-6)
    assert [c["accessibility"]["60"] for c in stored["communes"]] == pytest.approx(
        [c["accessibility"]["60"] for c in expected["communes"]], abs=1e-6)
    bad = CliRunner().invoke(main, ["diagnostic", "--national", "--profession", "zz"],
                             env={"MAPPER_DATABASE_URL": fresh_database})
    assert bad.exit_code != 0 and "Profession inconnue" in bad.output
    engine.dispose()
