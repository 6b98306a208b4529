"""The referral search ("takes patients referred by a colleague", among the asker's CPTS) walks
the nearest sites first and, when they are not enough, the CPTS's own members: either way the
answer is the nearest referral-takers of the CPTS, one per professional, as a brute force over
every entry finds them."""
from __future__ import annotations

import math
import random

import pytest
from sqlalchemy import text

from mapper.services.directory import SearchQuery, search, search_professionals
from tests.factories.world import WorldBuilder
from tests.support import make_settings

HERE = (48.83, 2.32)
FAR = (43.70, 7.26)  # Nice: none of the CPTS's members practise there


def _km(a, b) -> float:
    """Great-circle distance on the sphere PostGIS's ``<->`` on geography uses."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture()
def crowd(session, tmp_path):
    """CPTS Sud: 30 physiotherapists, some taking referrals, some with a second site; 120 other
    physiotherapists nearer to HERE who are members of no CPTS or of CPTS Est."""
    rng = random.Random(7)
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", (2.25, 48.80), 4, 0.05)
    sud = w.cpts("CPTS Sud", ["75001", "75002"])
    est = w.cpts("CPTS Est", ["75004"])
    sites: dict[int, list[tuple[float, float]]] = {}
    takers = set()
    for i in range(30):
        site = (HERE[0] + rng.uniform(-0.08, 0.08), HERE[1] + rng.uniform(-0.12, 0.12))
        takes = i % 3 != 0
        pid = w.professional(last_name=f"Sud{i}", profession="70", site=site, cpts=[sud.id],
                             takes_referrals=takes)
        sites[pid] = [site]
        if takes:
            takers.add(pid)
        if i % 5 == 0:  # a second practice, elsewhere
            second = (site[0] + 0.03, site[1] - 0.03)
            session.execute(text(
                "INSERT INTO practice_site (professional_id, profession_code, address, "
                "address_key, geom, geocode_source, geocode_status, precision, source) "
                "VALUES (:pid, '70', 'Second cabinet', 'second cabinet', "
                "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'given', 'ok', 'address', 'api')"),
                {"pid": pid, "lat": second[0], "lon": second[1]})
            sites[pid].append(second)
    for i in range(120):
        site = (HERE[0] + rng.uniform(-0.01, 0.01), HERE[1] + rng.uniform(-0.015, 0.015))
        w.professional(last_name=f"Autre{i}", profession="70", site=site,
                       cpts=[est.id] if i % 2 else [], takes_referrals=True)
    session.commit()
    return sud.id, sites, takers


def _expected(sites, takers, near, want, radius_km=None):
    nearest = {pid: min(_km(near, s) for s in sites[pid]) for pid in takers}
    ranked = sorted((d, pid) for pid, d in nearest.items()
                    if radius_km is None or d <= radius_km)
    return [pid for _, pid in ranked[:want]]


@pytest.mark.parametrize("walk", [search.REFERRAL_WALK, 5])
@pytest.mark.parametrize("near", [HERE, FAR])
def test_the_nearest_referral_takers_of_the_cpts(session, crowd, monkeypatch, walk, near):
    # walk 5: the nearest sites (other CPTS, no CPTS) never suffice, the members are asked.
    monkeypatch.setattr(search, "REFERRAL_WALK", walk)
    sud, sites, takers = crowd
    got = search_professionals(session, SearchQuery(near=near, professions=["70"], limit=8,
                                                    referrals_in=(sud,)))
    assert [r["id"] for r in got] == _expected(sites, takers, near, 8)
    for r in got:
        assert r["distance_km"] == pytest.approx(
            min(_km(near, s) for s in sites[r["id"]]), abs=0.01)


@pytest.mark.parametrize("walk", [search.REFERRAL_WALK, 5])
def test_a_radius_keeps_only_those_within_it(session, crowd, monkeypatch, walk):
    monkeypatch.setattr(search, "REFERRAL_WALK", walk)
    sud, sites, takers = crowd
    got = search_professionals(session, SearchQuery(near=HERE, radius_km=4, professions=["70"],
                                                    limit=50, referrals_in=(sud,)))
    expected = _expected(sites, takers, HERE, 50, radius_km=4)
    assert 0 < len(expected) < len(takers)
    assert [r["id"] for r in got] == expected


def test_everyone_who_takes_referrals_when_the_scope_is_everyone(session, crowd):
    # An administrator's scope (``()``): no membership condition, the nearest takers of all.
    got = search_professionals(session, SearchQuery(near=HERE, professions=["70"], limit=5,
                                                    referrals_in=()))
    assert len(got) == 5
    assert all(r["last_name"].startswith("Autre") for r in got)
