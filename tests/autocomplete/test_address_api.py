"""GET /api/v1/adresses: the BAN's autocomplete through our server, its cache, its errors."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper.http.ratelimit import ClientRateLimit
from mapper.services.geocoding import locate
from mapper.config import get_settings
from tests.support import assert_problem


def suggestions(client, q, **params):
    resp = client.get("/api/v1/adresses", query_string={"q": q, **params})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp


def test_suggestions_come_from_the_ban_in_autocomplete_mode(client, ban):
    before = len(ban.search_requests())
    body = suggestions(client, "8 boulevard du po", limit=3).get_json()
    assert body["approximate"] is False and body["query"] == "8 boulevard du po"
    labels = [s["label"] for s in body["suggestions"]]
    assert labels == ["8 Boulevard du Port 80000 Amiens", "8 Boulevard du Port 95000 Cergy",
                      "Boulevard du Port 80000 Amiens"]
    first = body["suggestions"][0]
    assert first == {"label": "8 Boulevard du Port 80000 Amiens", "lat": 49.897443,
                     "lon": 2.290084, "type": "housenumber", "postcode": "80000",
                     "citycode": "80021", "city": "Amiens",
                     "context": "80, Somme, Hauts-de-France", "score": 0.72,
                     "approximate": False}
    (request,) = ban.search_requests()[before:]
    assert request.path == "/geocodage/search"
    assert request.query == {"q": ["8 boulevard du po"], "limit": ["3"], "autocomplete": ["1"]}


def test_the_type_filter_and_the_limit_reach_the_ban(client, ban):
    before = len(ban.search_requests())
    body = suggestions(client, "boulevard du port", limit=1, type="street").get_json()
    assert [s["type"] for s in body["suggestions"]] == ["street"]
    (request,) = ban.search_requests()[before:]
    assert request.query["type"] == ["street"] and request.query["limit"] == ["1"]


def test_a_cached_list_is_not_asked_again_whatever_the_spelling(client, ban):
    suggestions(client, "12 rue de la pai")
    asked = len(ban.search_requests())
    for spelling in ("12 rue de la pai", "12, Rue de la PAI", "  12 rue  de la pai ", "12 rue de la paï"):
        body = suggestions(client, spelling, limit=2).get_json()
        assert [s["label"] for s in body["suggestions"]] == ["12 Rue de la Paix 75014 Paris"]
    assert len(ban.search_requests()) == asked


def test_more_suggestions_than_cached_are_asked_again_unless_the_ban_had_no_more(client, ban):
    suggestions(client, "8 boulevard du port", limit=1)
    asked = len(ban.search_requests())
    body = suggestions(client, "8 boulevard du port", limit=5).get_json()
    assert len(body["suggestions"]) == 3
    assert len(ban.search_requests()) == asked + 1  # one was cached, five were asked
    suggestions(client, "8 boulevard du port", limit=10)  # the BAN had only three
    assert len(ban.search_requests()) == asked + 1


def test_a_chosen_suggestion_is_located_from_the_cache(client, session, ban):
    label = suggestions(client, "8 boulevard du port am").get_json()["suggestions"][0]["label"]
    asked = len(ban.requests)
    found = locate(session, get_settings(client.application), label)
    assert (found.lat, found.lon, found.source) == (49.897443, 2.290084, "ban")
    assert len(ban.requests) == asked  # no request: the label is in the geocoding cache


def test_nothing_known_is_an_empty_list_and_cached(client, session, ban):
    body = suggestions(client, "zzz rue nulle part").get_json()
    assert body == {"query": "zzz rue nulle part", "approximate": False, "suggestions": []}
    assert session.execute(text("SELECT count(*) FROM address_suggestion_cache "
                                "WHERE key = 'zzz rue nulle part|'")).scalar() == 1


@pytest.mark.parametrize("params,field", [
    ({"q": "ab"}, "q"), ({"q": "   ab   "}, "q"), ({"q": "x" * 201}, "q"), ({}, "q"),
    ({"q": "rue", "limit": "0"}, "limit"), ({"q": "rue", "limit": "11"}, "limit"),
    ({"q": "rue", "limit": "cinq"}, "limit"), ({"q": "rue", "type": "planet"}, "type"),
])
def test_bad_queries_are_422_naming_the_field(client, ban, params, field):
    asked = len(ban.requests)
    body = assert_problem(client.get("/api/v1/adresses", query_string=params), 422)
    assert list(body["errors"]) == [field]
    assert len(ban.requests) == asked


@pytest.fixture()
def strict_limit(app):
    """Two requests at once, then one every ten seconds, for this test only."""
    previous = app.extensions.get("mapper.autocomplete_limit")
    app.extensions["mapper.autocomplete_limit"] = ClientRateLimit(0.1, 2)
    yield
    app.extensions["mapper.autocomplete_limit"] = previous


def test_too_many_requests_from_one_client_are_429_with_retry_after(client, strict_limit):
    for _ in range(2):
        suggestions(client, "12 rue de la paix")
    resp = client.get("/api/v1/adresses", query_string={"q": "12 rue de la paix"})
    body = assert_problem(resp, 429)
    assert 1 <= int(resp.headers["Retry-After"]) <= 10
    assert "réessayez dans" in body["detail"]
    other = client.get("/api/v1/adresses", query_string={"q": "12 rue de la paix"},
                       environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200  # another client is not slowed


def test_the_openapi_document_describes_the_operation(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/adresses"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["q"]["required"] is True
    assert params["limit"]["schema"]["maximum"] == 10
    assert {"200", "422", "429"} <= set(op["responses"])
    too_many = op["responses"]["429"]
    assert "Retry-After" in too_many["headers"]
    assert too_many["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"}
