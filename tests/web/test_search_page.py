"""/recherche: the address geocoded through the cache, filters, list and map, field errors."""
from __future__ import annotations

import re

from sqlalchemy import text

from tests.web.conftest import ADDRESS


def names(html: str) -> list[str]:
    return re.findall(r'<h3 id="pro-\d+">([^<]+)</h3>', html)


def test_search_form_without_query_is_just_the_form(client, world):
    resp = client.get("/recherche")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<form method="get" action="/recherche"' in html
    assert 'id="adresse"' in html and "résultat" not in html


def test_address_from_the_cache_nearest_first_with_details(client, world, session):
    resp = client.get("/recherche", query_string={"adresse": ADDRESS})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert names(html) == ["Anaïs Martin", "Bernard Durand", "Chloé Petit"]
    assert "près de « 12 Rue de la Paix 75014 Paris »" in html
    assert 'class="distance">à 0,' in html  # distance
    assert "Plaies et cicatrisation" in html  # competency label
    assert "Ouvert maintenant, jusqu&#39;à 00:00" in html  # next slot
    assert 'href="tel:0145000000"' in html  # public contact
    assert "Fiche non vérifiée depuis plus de 6 mois" in html  # the doctor
    assert "cpts-map-data" in html and "Carte des résultats" in html  # the map
    assert "0600000000" not in html


def test_filters(client, world):
    def found(**args):
        resp = client.get("/recherche", query_string={"adresse": ADDRESS, **args})
        assert resp.status_code == 200
        return names(resp.get_data(as_text=True))

    assert found(profession="10") == ["Bernard Durand"]
    assert found(competence="plaies-cicatrisation") == ["Anaïs Martin"]
    assert found(nouveaux_patients="1") == ["Anaïs Martin", "Chloé Petit"]
    assert found(ouvert="1") == ["Anaïs Martin"]
    assert found(domicile="1") == ["Anaïs Martin"]  # her zone covers the address


def test_near_me_coordinates_and_shareable_state(client, world):
    resp = client.get("/recherche?lat=48.915&lon=2.43&profession=70")
    html = resp.get_data(as_text=True)
    assert names(html) == ["Chloé Petit"]
    assert "près de votre position" in html
    assert 'name="lat" id="lat" value="48.915"' in html  # the query string is the state
    assert '<option value="70" selected>' in html


def test_unknown_address_with_geocoder_down_is_a_field_error(client, world, session):
    resp = client.get("/recherche", query_string={"adresse": "1 chemin Inconnu 00000"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="adresse-erreur"' in html and "momentanément indisponible" in html
    assert 'aria-describedby="adresse-aide adresse-erreur"' in html
    assert 'aria-invalid="true"' in html
    # an unreachable geocoder is never cached
    assert session.execute(text("SELECT count(*) FROM geocode_cache")).scalar() == 1


def test_address_not_found_is_cached_and_explained(client, world, session):
    from mapper.geocoding import normalise_address
    from mapper.services.geocoding import cache_store

    cache_store(session, [(normalise_address("1 rue Nulle Part", None, None), None)])
    session.commit()
    resp = client.get("/recherche", query_string={"adresse": "1 rue Nulle Part"})
    assert resp.status_code == 422
    assert "Adresse introuvable" in resp.get_data(as_text=True)


def test_other_field_errors(client, world):
    cases = [
        ({"lat": "abc", "lon": "2.3"}, "adresse", "Position invalide"),
        ({"lat": "148", "lon": "2.3"}, "adresse", "Position invalide"),
        ({"adresse": "ab"}, "adresse", "Adresse trop courte"),
        ({"adresse": "x" * 201}, "adresse", "Adresse trop longue"),
        ({"domicile": "1"}, "adresse", "pour trouver qui se déplace chez vous"),
        ({"competence": "inconnue"}, "competence", "compétence inconnue"),
    ]
    for args, field, message in cases:
        resp = client.get("/recherche", query_string=args)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, (args, html)
        assert f'id="{field}-erreur"' in html and message in html, args
        assert "Erreur — " in html  # the title says so


def test_geocoder_down_falls_back_to_the_commune_of_a_known_postcode(client, world, session):
    """The BAN is unreachable in these tests: 75014 is the postcode of sites in commune 75006,
    so the search runs from that commune's point, says so (an approximate position, a fair
    order), and caches nothing."""
    resp = client.get("/recherche", query_string={"adresse": "7 rue Inconnue 75014"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "près de « Commune 75-6 »" in html
    # a commune's point, not an address: everyone within the radius, in the day's fair order
    assert {"Anaïs Martin", "Bernard Durand"} <= set(names(html))  # both in 75006
    assert "Position approximative" in html and "Ordre tiré au sort chaque jour" in html
    assert session.execute(text("SELECT count(*) FROM geocode_cache")).scalar() == 1
