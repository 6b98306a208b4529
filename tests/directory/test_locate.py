"""Locating what a person typed, one behaviour for every search: through the cache and the BAN
(the local stand-in), and when the BAN cannot be reached, the communes and postcodes the
database knows; a 422 for an address nobody knows, a 503 only when nothing can answer."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper.errors import ServiceUnavailable, ValidationFailed
from mapper.geocoding import BanClient, TokenBucket
from mapper.services.geocoding import commune_point, locate
from tests.standins import BanEntry, BanStandIn
from tests.support import assert_problem, make_settings

from .conftest import body

PAIX = BanEntry(lon=2.3215, lat=48.8312, type="housenumber", score=0.93, postcode="75014",
                citycode="75002", city="Paris", housenumber="12", street="Rue de la Paix")


@pytest.fixture()
def ban():
    with BanStandIn({"12 rue de la Paix": PAIX}) as server:
        yield server


@pytest.fixture()
def up(database_url, ban):
    """Settings and a client of a reachable BAN."""
    client = BanClient(ban.base_url, timeout=2, limiter=TokenBucket(1000, burst=1000))
    return make_settings(database_url, ban_base_url=ban.base_url), client


@pytest.fixture()
def down(database_url):
    """Settings and a client of a BAN nobody answers for."""
    client = BanClient("http://127.0.0.1:9/geocodage", timeout=1, retries=0,
                       limiter=TokenBucket(1000, burst=1000))
    return make_settings(database_url, ban_base_url="http://127.0.0.1:9/geocodage"), client


def cached(session) -> int:
    return session.execute(text("SELECT count(*) FROM geocode_cache")).scalar()


def test_a_known_address_is_the_ban_s_point(session, communes, up):
    found = locate(session, up[0], "12 rue de la Paix", client=up[1])
    assert (found.lat, found.lon, found.source) == (48.8312, 2.3215, "ban")
    assert cached(session) == 1


def test_an_unknown_address_is_a_field_error_and_cached(session, communes, up):
    with pytest.raises(ValidationFailed) as info:
        locate(session, up[0], "1 rue Inexistante", client=up[1], field="adresse")
    assert "Adresse introuvable" in info.value.errors["adresse"][0]
    assert cached(session) == 1  # "not found" is remembered


def test_ban_down_a_postcode_known_from_practice_sites(client, session, communes, down,
                                                         accounts):
    from tests.support import bearer

    _, admin = accounts("admin")
    resp = client.post("/api/v1/professionals", headers=bearer(admin), json=body(
        sites=[{"address": "8 rue Proche", "postcode": "75014", "commune": "75006",
                "lat": 48.87, "lon": 2.33}]))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    found = locate(session, down[0], "3 rue Inconnue 75014", client=down[1])
    assert found.source == "commune" and found.label == "Commune 75-6"
    assert (found.lat, found.lon) == pytest.approx(commune_point(session, "75006"))
    assert cached(session) == 0  # an unreachable BAN is never cached


def test_ban_down_a_commune_named_in_the_text(session, communes, down):
    found = locate(session, down[0], "5 place de la Mairie, Commune 75-11", client=down[1])
    assert found.label == "Commune 75-11"
    assert (found.lat, found.lon) == pytest.approx(commune_point(session, "75011"))


def test_ban_down_and_nothing_known_is_a_503_naming_the_field(session, communes, down):
    with pytest.raises(ServiceUnavailable) as info:
        locate(session, down[0], "1 chemin Perdu 00000", client=down[1], field="adresse")
    assert "injoignable" in info.value.detail
    assert "momentanément indisponible" in info.value.errors["adresse"][0]


def test_api_search_falls_back_to_the_commune_when_the_ban_is_down(client, communes, admin_token):
    created = client.post("/api/v1/professionals", headers=admin_token, json=body(
        sites=[{"address": "8 rue Proche", "commune": "75011", "lat": 48.925, "lon": 2.375}]))
    assert created.status_code == 201
    resp = client.get("/api/v1/professionals/search", query_string={
        "address": "2 rue Nulle, Commune 75-11"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert [r["id"] for r in resp.get_json()["results"]] == [created.get_json()["id"]]
    assert resp.get_json()["results"][0]["distance_km"] < 3
    assert_problem(client.get("/api/v1/professionals/search",
                              query_string={"address": "nulle part du tout"}), 503)


@pytest.fixture()
def admin_token(accounts):
    from tests.support import bearer

    return bearer(accounts("admin")[1])
