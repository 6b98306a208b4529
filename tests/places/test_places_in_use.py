"""The places service where people type places: the communes API ranks what ``q`` names
first (same contract and parameters), the geocoder's offline fallback understands tolerant
names and postcodes (the BAN stand-in unreachable), the checker's field error suggests."""
from __future__ import annotations

import pytest

from mapper.geocoding import BanClient, TokenBucket
from mapper.services.geocoding import commune_point, locate
from tests.support import make_settings


def names(client, q, **params):
    resp = client.get("/api/v1/communes", query_string={"q": q, "geometry": "false", **params})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "application/geo+json"
    return [f["properties"]["nom"] for f in resp.get_json()["features"]]


@pytest.mark.parametrize("q,first", [
    ("villefranche sur mer", "Villefranche-sur-Mer"), ("paris 15", "Paris 15e Arrondissement"),
    ("Paris 14e", "Paris 14e Arrondissement"), ("Lyon 3e", "Lyon 3e Arrondissement"),
    ("Marseille 13", "Marseille 13e Arrondissement"), ("Ste Maxime", "Sainte-Maxime"),
    ("St Jeannet", "Saint-Jeannet"), ("Saint-Jeanet", "Saint-Jeannet"),
    ("st jean cap", "Saint-Jean-Cap-Ferrat"), ("Nice", "Nice"), ("vanv", "Vanves"),
    ("92075", "Vanves"),
])
def test_api_ranks_what_q_names_first(client, places, q, first):
    assert names(client, q)[0] == first


def test_api_keeps_its_contract(client, places, postcodes):
    assert names(client, "Nice")[:2] == ["Nice", "Nice-Lès-Vitry"]  # exact, then the prefix
    assert names(client, "06230") == ["Villefranche-sur-Mer", "Saint-Jean-Cap-Ferrat"]
    assert names(client, "St Jeannet", departement="04") == ["Saint-Jeannet"]
    assert names(client, "saint", limit=2) == ["Sainte-Maxime", "Saint-Jean"]  # biggest first
    assert len(names(client, "06")) == 4  # a code prefix still finds the codes starting so
    resp = client.get("/api/v1/communes", query_string={"q": "x"})
    assert resp.status_code == 422  # q: 2 characters at least, as before


@pytest.fixture()
def down(database_url):
    """Settings and a client of a BAN nobody answers for."""
    client = BanClient("http://127.0.0.1:9/geocodage", timeout=1, retries=0,
                       limiter=TokenBucket(1000, burst=1000))
    return make_settings(database_url, ban_base_url="http://127.0.0.1:9/geocodage"), client


@pytest.mark.parametrize("address,code", [
    ("12 avenue de la Corne d'Or, villefranche sur mer", "06159"),
    ("4 rue de la Gaîté Paris 14e", "75114"),
    ("St Jeannet", "06122"),
    ("Ste Maxime", "83115"),
    ("rue du Port, Marseille 13", "13213"),
])
def test_offline_fallback_reads_tolerant_names(session, places, down, address, code):
    found = locate(session, down[0], address, client=down[1], field="adresse")
    assert found.source == "commune"
    assert (found.lat, found.lon) == pytest.approx(commune_point(session, code))


def test_offline_fallback_reads_postcodes_of_la_poste(session, places, down, postcodes):
    found = locate(session, down[0], "1 chemin du Col 06640", client=down[1])
    assert found.label == "Saint-Jeannet" and found.source == "commune"
    found = locate(session, down[0], "2 rue Haute 06230 Saint-Jean-Cap-Ferrat", client=down[1])
    assert found.label == "Saint-Jean-Cap-Ferrat"
    assert locate(session, down[0], "2 rue Haute 06230", client=down[1]).label == \
        "Villefranche-sur-Mer"  # the distributing commune of a shared postcode


def test_offline_fallback_without_the_file(session, places, down):
    assert locate(session, down[0], "9 rue Basse 75015", client=down[1]).label == \
        "Paris 15e Arrondissement"


def test_api_search_offline_with_a_misspelled_town(client, places):
    resp = client.get("/api/v1/professionals/search", query_string={
        "address": "3 place du Marché, Saint-Jeanet"})
    assert resp.status_code == 200, resp.get_data(as_text=True)


def test_checker_field_error_suggests(client, places):
    resp = client.get("/territoires/verifier", query_string={
        "communes": "villefranche sur mer\nSt Jeannet"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert ("Plusieurs communes s&#39;appellent « St Jeannet ». Voulez-vous dire "
            "« Saint-Jeannet (06) » ou « Saint-Jeannet (04) » ?") in html
    resp = client.get("/territoires/verifier", query_string={
        "communes": "villefranche sur mer\nSaint-Jeannet (06)\nParis 14e"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Villefranche-sur-Mer" in html and "Paris 14e Arrondissement" in html
