"""/recherche and the search API: the radius (asked, or the profession's default), the empty
result and its message, the fair order of a commune or postcode, every parameter name (French
and old), wrong values reported, the filters of the API reachable from the page."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest

from mapper.schemas.orientation import OrientationParams
from mapper.services.pages.search import find_professionals
from tests.support import make_settings
from tests.web.conftest import ADDRESS

# The world: from ADDRESS, Anaïs Martin (nurse, 60) and Bernard Durand (doctor, 10) are within
# 2 km; Chloé Petit (kiné, 70) is ~12.5 km away.


def names(html: str) -> list[str]:
    return re.findall(r'<h3 id="pro-\d+">([^<]+)</h3>', html)


def get(client, status=200, **args):
    resp = client.get("/recherche", query_string={"adresse": ADDRESS, **args})
    html = resp.get_data(as_text=True)
    assert resp.status_code == status, html
    return html


def test_the_asked_radius_keeps_only_who_is_within_it(client, world):
    html = get(client, rayon="5")
    assert names(html) == ["Anaïs Martin", "Bernard Durand"]
    assert "2 résultats à moins de 5 km de « 12 Rue de la Paix 75014 Paris »" in html
    assert names(get(client, rayon="20"))[-1] == "Chloé Petit"


def test_the_default_radius_is_the_professions_and_is_stated(client, world):
    html = get(client, profession="70")  # kiné: 10 km; Chloé Petit is 12.5 km away
    assert names(html) == []
    assert "Aucun résultat à moins de 10 km" in html
    assert ("Aucun masseur-kinésithérapeute à moins de 10 km de « 12 Rue de la Paix 75014 "
            "Paris »." in html)
    assert "0 résultat" not in html
    widen = re.findall(r'<a href="([^"]+)#resultats" class="button-link">à (\d+) km</a>', html)
    assert [km for _, km in widen] == ["20", "50"]
    assert dict(parse_qsl(urlsplit(widen[0][0].replace("&amp;", "&")).query))["rayon"] == "20"
    assert names(get(client, profession="70", rayon="20")) == ["Chloé Petit"]
    nurses = get(client, profession="60")
    assert "à moins de 5 km" in nurses and "Rayon choisi selon la profession" in nurses


def test_nobody_without_a_profession_says_professionnel(client, world):
    html = get(client, rayon="0.5", competence="pediatrie")
    assert "Aucun professionnel à moins de 0,5 km de « 12 Rue de la Paix 75014 Paris »" in html


def test_far_away_doctors_are_not_listed(client, world, session):
    """From a place 680 km away (Nice), nobody: the Paris doctors are not « near »."""
    html = client.get("/recherche", query_string={"lat": "43.70", "lon": "7.27",
                                                   "profession": "10"}).get_data(as_text=True)
    assert names(html) == []
    assert "Aucun médecin à moins de 10 km de « votre position »" in html


def test_api_radius_and_commune_names(client, world):
    data = client.get("/api/v1/professionals/search?near=48.83,2.32&radius_km=5").get_json()
    assert [r["last_name"] for r in data["results"]] == ["Martin", "Durand"]
    assert all(r["site"]["commune_name"] for r in data["results"])  # was null for every entry
    assert all(r["distance_km"] <= 5 for r in data["results"])
    data = client.get("/api/v1/professionals/search?near=48.83,2.32&radius_km=20").get_json()
    assert data["count"] == 3


# -- the fair order ------------------------------------------------------------------------


def fair_ids(session, day: datetime, **params) -> list[int]:
    """A postcode only: the BAN is unreachable in these tests, the database's fallback places it
    at its commune (an approximate position, ordered fairly)."""
    found = find_professionals(session, OrientationParams(address="7 rue Inconnue 75014",
                                                          **params),
                               settings=make_settings("postgresql://unused"), now=day)
    assert found.fair and found.approximate
    return [r["id"] for r in found.results]


def test_fair_order_is_a_stable_shuffle_of_the_day_within_the_radius(session, world):
    day = datetime(2025, 3, 14, 9, tzinfo=timezone.utc)
    ids = fair_ids(session, day, radius_km=20)
    assert sorted(ids) == sorted(world.pros.values())
    expected = sorted(ids, key=lambda i: hashlib.md5(f"2025-03-14:{i}".encode()).hexdigest())
    assert ids == expected
    assert fair_ids(session, day + timedelta(hours=10), radius_km=20) == ids  # same day
    orders = {tuple(fair_ids(session, day + timedelta(days=n), radius_km=20)) for n in range(8)}
    assert len(orders) > 1  # it changes across days
    # only within the radius: the kiné 12.5 km away is not drawn at 5 km
    assert set(fair_ids(session, day, radius_km=5)) == {world.pros["nurse"], world.pros["doctor"]}


def test_fair_order_is_said_in_the_page(client, world):
    html = client.get("/recherche?adresse=7+rue+Inconnue+75014&rayon=20").get_data(as_text=True)
    assert "Ordre tiré au sort chaque jour" in html
    assert "Position approximative" in html
    precise = get(client, rayon="20")
    assert "tiré au sort" not in precise and "approximative" not in precise


# -- one set of parameters -----------------------------------------------------------------


@pytest.mark.parametrize("old, new", [
    ({"address": ADDRESS}, {"adresse": ADDRESS}),
    ({"competency": "plaies-cicatrisation"}, {"competence": "plaies-cicatrisation"}),
    ({"accepting_new_patients": "1"}, {"nouveaux_patients": "oui"}),
    ({"open_now": "true"}, {"ouvert": "1"}),
    ({"radius_km": "5"}, {"rayon": "5"}),
    ({"language": "en"}, {"langue": "en"}),
    ({"open_at": "2025-03-14T10:00:00"}, {"disponible_le": "2025-03-14T10:00"}),
])
def test_old_names_are_aliases_of_the_french_ones(client, world, old, new):
    base = {} if "address" in old else {"adresse": ADDRESS}
    a = client.get("/recherche", query_string={**base, **old}).get_data(as_text=True)
    b = client.get("/recherche", query_string={**base, **new}).get_data(as_text=True)
    assert names(a) == names(b)


def test_near_and_covers_api_names(client, world):
    near = client.get("/recherche?near=48.83,2.32&rayon=5").get_data(as_text=True)
    assert names(near) == ["Anaïs Martin", "Bernard Durand"]
    covers = client.get("/recherche?covers=48.83,2.32").get_data(as_text=True)
    assert names(covers) == ["Anaïs Martin"]  # her zone covers the point


@pytest.mark.parametrize("args, field, message", [
    ({"profession": "99"}, "profession", "code profession inconnu : 99"),
    ({"competence": "inconnue"}, "competence", "compétence inconnue : inconnue"),
    ({"disponible_le": "demain"}, "disponible-le", "Date et heure attendues"),
    ({"rayon": "-2"}, "rayon", "Rayon en km attendu"),
    ({"rayon": "mille"}, "rayon", "Rayon en km attendu"),
    ({"langue": "klingon"}, "langue", "Code de langue ISO 639"),
    ({"nouveaux_patients": "peut-etre"}, "nouveaux-patients", "oui ou non attendu"),
    ({"accessible": "bof"}, "accessible", "oui ou non attendu"),
    ({"teleconsultation": "x"}, "teleconsultation", "oui ou non attendu"),
])
def test_a_wrong_value_is_a_422_with_a_french_message_beside_the_field(client, world, args,
                                                                         field, message):
    html = get(client, 422, **args)
    assert f'id="{field}-erreur"' in html and message in html
    assert "erreur à corriger" in html and "Erreur — " in html


# -- the filters ---------------------------------------------------------------------------


def test_every_filter_of_the_api_from_the_page(client, world, session):
    from sqlalchemy import text

    session.execute(text("UPDATE professional SET languages = '{fr,ar}', accessible = true, "
                         "teleconsultation = true WHERE id = :id"), {"id": world.pros["doctor"]})
    session.commit()
    assert names(get(client, langue="ar")) == ["Bernard Durand"]
    assert names(get(client, accessible="1")) == ["Bernard Durand"]
    assert names(get(client, teleconsultation="oui")) == ["Bernard Durand"]
    assert names(get(client, competence=["plaies-cicatrisation", "pediatrie"])) == []  # all
    assert names(get(client, competence="pediatrie", rayon="20")) == ["Chloé Petit"]
    assert names(get(client, domicile="1")) == ["Anaïs Martin"]
    # the nurse is always open; nobody else has hours
    assert names(get(client, disponible_le="2025-03-14T15:30")) == ["Anaïs Martin"]
    api = client.get("/api/v1/professionals/search?near=48.83,2.32&teleconsultation=true")
    assert [r["last_name"] for r in api.get_json()["results"]] == ["Durand"]


def test_after_a_search_the_form_is_a_summary_with_modifier(client, world):
    html = get(client, profession="60")
    assert '<details class="search-summary">' in html and "Modifier" in html
    assert "Infirmier · près de « 12 Rue de la Paix 75014 Paris » · 5 km" in html
    first = get(client) if False else client.get("/recherche").get_data(as_text=True)
    assert "search-summary" not in first
    assert "10 avenue du Général Leclerc, 75014 Paris" in first  # a real example address


def test_cards_word_new_patients_per_profession(client, world):
    html = get(client, rayon="20")
    cards = dict(zip(names(html), re.split(r'<h3 id="pro-\d+">', html)[1:]))
    assert "Accepte de nouveaux patients</span>" in cards["Chloé Petit"]  # a kiné
    assert "médecin traitant" not in cards["Chloé Petit"]
    assert "N'accepte pas de nouveaux patients" in cards["Bernard Durand"]
    assert f'href="/professionnels/{world.pros["nurse"]}"' in cards["Anaïs Martin"]
    assert "Prochain créneau disponible" not in html


def test_nice_by_name_lists_no_paris_doctor(database_url, connection, world):
    """The issue's example, through the real BAN client pointed at a stand-in speaking the
    BAN's format: « Nice » is a municipality 680 km from the Paris doctors."""
    from mapper import create_app
    from mapper.db import get_db
    from tests.standins.ban_server import BanEntry, BanStandIn

    nice = BanEntry(lon=7.2620, lat=43.7031, type="municipality", score=0.96,
                    citycode="06088", postcode="06000", city="Nice", label="Nice",
                    context="06, Alpes-Maritimes, Provence-Alpes-Côte d'Azur")
    with BanStandIn({"nice": nice}) as ban:
        other = create_app(make_settings(database_url, ban_base_url=ban.base_url))
        get_db(other).bind_to_connection(connection)
        try:
            resp = other.test_client().get("/recherche?adresse=Nice&profession=10")
        finally:
            get_db(other).unbind()
        assert len(ban.search_requests()) == 1
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and names(html) == []
    assert "Aucun médecin à moins de 10 km de « Nice »." in html
    widen = re.findall(r'class="button-link">à (\d+) km</a>', html)
    assert widen == ["20", "50"]
