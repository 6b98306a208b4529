"""When the BAN cannot be reached, the communes and postcodes the database knows answer the
autocomplete, marked approximate, never cached; and a chosen one is found when searching."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper import create_app
from mapper.config import get_settings
from mapper.geocoding import BanClient
from mapper.services.geocoding import commune_point, locate
from tests.standins import BanStandIn
from tests.support import make_settings


@pytest.fixture(scope="module")
def ban():
    """A BAN that answers 503 to everything (overloaded)."""
    with BanStandIn({}) as server:
        server.fail_with(503)
        yield server


@pytest.fixture(scope="module")
def app(database_url, ban):
    app = create_app(make_settings(database_url, ban_base_url=ban.base_url,
                                   autocomplete_rate=1000.0, autocomplete_burst=1000))
    app.config["TESTING"] = True
    return app


def suggest(client, q, **params) -> dict:
    resp = client.get("/api/v1/adresses", query_string={"q": q, **params})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-store"
    return resp.get_json()


def where(client, session, label):
    """Where the search page puts a chosen label (the BAN being away: no retry, no waiting)."""
    settings = get_settings(client.application)
    return locate(session, settings, label, client=BanClient(settings.ban_base_url, retries=0))


def test_ban_away_communes_answer_approximately_and_the_ban_is_left_alone(client, session, ban,
                                                                          places):
    body = suggest(client, "Nic")
    assert body["approximate"] is True
    (nice,) = body["suggestions"]
    assert nice["label"] == "Nice (06)" and nice["citycode"] == "06088"
    assert nice["approximate"] is True and nice["type"] == "municipality"
    assert nice["note"] == "commune — position approximative"
    assert (nice["lat"], nice["lon"]) == pytest.approx(commune_point(session, "06088"))
    assert session.execute(text("SELECT count(*) FROM address_suggestion_cache")).scalar() == 0
    asked = len(ban.requests)
    assert asked >= 1
    suggest(client, "Nice")  # the next keystroke does not wait for the BAN again
    assert len(ban.requests) == asked


def test_a_name_two_departements_share_names_its_departement_and_is_found(client, session,
                                                                          places):
    body = suggest(client, "saint-mar")
    labels = sorted(s["label"] for s in body["suggestions"])
    assert labels == ["Saint-Martin (06)", "Saint-Martin (65)"]
    found = where(client, session, "Saint-Martin (65)")
    assert found.source == "commune"
    assert (found.lat, found.lon) == pytest.approx(commune_point(session, "65390"))


@pytest.mark.parametrize("typed", ["06000", "3 rue Inconnue 06000", "3 rue Inconnue 06000 Nice"])
def test_a_known_postcode_gives_its_commune(client, session, places, typed):
    (only,) = suggest(client, typed)["suggestions"]
    assert (only["label"], only["postcode"], only["approximate"]) == ("Nice 06000", "06000", True)
    found = where(client, session, only["label"])
    assert (found.lat, found.lon) == pytest.approx(commune_point(session, "06088"))


def test_the_commune_at_the_end_of_an_address(client, places):
    body = suggest(client, "12 rue de la Paix Villefranche-sur-Mer")
    assert [s["label"] for s in body["suggestions"]] == ["Villefranche-sur-Mer (06)"]


def test_whole_cities_are_offered_by_arrondissement(client, places):
    body = suggest(client, "Marseille")
    assert [s["citycode"] for s in body["suggestions"]] == ["13208"]


def test_nothing_known_is_an_empty_approximate_list(client, places):
    assert suggest(client, "Xyzzy")["suggestions"] == []


def test_a_vanished_ban_falls_back_too(database_url, places, connection):
    from mapper.db import get_db

    vanished = BanStandIn({}).start()
    vanished.stop()  # connection refused from now on
    other = create_app(make_settings(database_url, ban_base_url=vanished.base_url))
    get_db(other).bind_to_connection(connection)
    try:
        resp = other.test_client().get("/api/v1/adresses", query_string={"q": "Villefr"})
    finally:
        get_db(other).unbind()
    assert resp.status_code == 200
    assert [s["label"] for s in resp.get_json()["suggestions"]] == ["Villefranche-sur-Mer (06)"]
