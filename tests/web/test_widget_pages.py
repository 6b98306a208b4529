"""The widget of a CPTS, its snippets and its configurator, through the Flask test client: the
search form (the one set of French parameters), the CPTS's name and colour escaped, the
professions offered, the two snippets from the one generator, bad input beside its field."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import text

from mapper.schemas.colors import contrast, text_color
from tests.support import assert_problem, bearer
from tests.web.conftest import TOKEN

HOSTILE = 'CPTS <script>alert(1)</script> "Sud" & co'


def get(client, url, status=200):
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:3000]
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body
    return resp, body


def frame_ancestors(resp) -> str:
    policy = dict(p.strip().split(" ", 1) for p in resp.headers["Content-Security-Policy"]
                  .split(";") if " " in p.strip())
    return policy["frame-ancestors"]


def textarea(body: str, id_: str) -> str:
    return html.unescape(re.search(rf'<textarea id="{id_}"[^>]*>(.*?)</textarea>', body,
                                   re.S).group(1))


def options(body: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}".*?</select>', body, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


@pytest.fixture()
def hostile(session, world):
    session.execute(text("UPDATE cpts SET name = :n WHERE id = :id"),
                    {"n": HOSTILE, "id": world.cpts["sud"]})
    session.commit()
    return world


def test_widget_has_the_search_form_in_french_parameters(client, world):
    resp, body = get(client, f"/embed/cpts/{world.slugs['sud']}")
    assert frame_ancestors(resp) == "https://cpts-sud.example.org"
    assert 'name="adresse"' in body and 'name="profession"' in body
    assert 'role="search"' in body and 'for="w-adresse"' in body and 'for="w-profession"' in body
    # the professions of its members only, in their usual order
    assert options(body, "w-profession") == ["", "10", "60"]
    assert "2 professionnels" in body
    assert 'data-view="liste"' in body and 'data-view="carte"' in body  # the toggle
    assert 'data-origins="https://cpts-sud.example.org"' in body
    assert "/static/embed/frame.js" in body


def test_widget_search_by_place_lists_the_nearest_with_their_distance(client, world):
    _, body = get(client, f"/embed/cpts/{world.slugs['sud']}?adresse=12+rue+de+la+Paix+75014"
                          "+Paris&rayon=5")
    names = re.findall(r'class="w-card-name"><a [^>]*>([^<]+)</a>', body)
    assert names == ["Anaïs Martin", "Bernard Durand"]  # nearest first
    assert re.search(r"à 0,1\s*km", body)
    assert "à moins de 5 km" in body and "12 Rue de la Paix 75014 Paris" in body
    # the form keeps what was asked; the radius is not carried over to a new search
    assert 'value="12 rue de la Paix 75014 Paris"' in body
    assert 'name="rayon"' not in body


def test_widget_says_when_nobody_is_near_and_offers_to_widen(client, world):
    _, body = get(client, f"/embed/cpts/{world.slugs['sud']}?adresse=12+rue+de+la+Paix+75014"
                          "+Paris&profession=60&rayon=0.5&nouveaux_patients=non")
    assert "Aucun professionnel à moins de 0,5 km de « 12 Rue de la Paix 75014 Paris »" in body
    widen = re.search(r'<a href="([^"]+)">Élargir la recherche à 1 km</a>', body)
    assert widen and "rayon=1" in html.unescape(widen.group(1))


def test_widget_brand_colour_and_derived_text(client, session, world):
    session.execute(text("UPDATE cpts SET brand_color = '#ffcc00' WHERE id = :id"),
                    {"id": world.cpts["sud"]})
    session.commit()
    _, body = get(client, f"/embed/cpts/{world.slugs['sud']}")
    assert "--brand: #ffcc00; --brand-text: #000000;" in body
    # a colour in the URL (the configurator's) wins; white text on a dark one
    _, body = get(client, f"/embed/cpts/{world.slugs['sud']}?couleur=%23112233")
    assert "--brand: #112233; --brand-text: #ffffff;" in body
    assert 'name="couleur" value="#112233"' in body  # kept for the next search
    for color in ("#ffcc00", "#112233", "#777777", "#1d4f91", "#00ff00"):
        assert contrast(color, text_color(color)) >= 4.5


@pytest.mark.parametrize("query, field", [
    ("couleur=red", "couleur"),
    ("couleur=%23ff00ff%3C%2Fstyle%3E", "couleur"),
    ("choix=<b>", "choix"),
    ("nouveaux_patients=peut-etre", "nouveaux_patients"),
    ("adresse=ab", "adresse"),
    ("profession=99", "profession"),
])
def test_widget_bad_parameters_are_shown_beside_the_form(client, world, query, field):
    resp, body = get(client, f"/embed/cpts/{world.slugs['sud']}?{query}", 422)
    assert frame_ancestors(resp) == "https://cpts-sud.example.org"  # still framable
    assert 'class="w-form"' in body and "w-error" in body
    assert "<b>" not in body and "#ff00ff</style>" not in body
    assert "--brand: #1d4f91" in body  # the default colour
    if field in ("adresse", "profession"):
        assert f'id="w-{field}-err"' in body and 'aria-invalid="true"' in body
    else:
        assert f"Paramètre « {field} » invalide" in body


def test_widget_offers_only_the_chosen_professions(client, world):
    _, body = get(client, f"/embed/cpts/{world.slugs['sud']}?choix=60")
    assert options(body, "w-profession") == ["", "60"]
    assert "1 professionnel" in body and "Anaïs Martin" in body and "Durand" not in body
    assert '<input type="hidden" name="choix" value="60">' in body
    resp, body = get(client, f"/embed/cpts/{world.slugs['sud']}?choix=60&profession=10", 422)
    assert "Profession non proposée par ce widget." in body


def test_widget_escapes_the_cpts_name(client, hostile):
    _, body = get(client, f"/embed/cpts/{hostile.slugs['sud']}")
    assert "<script>alert(1)</script>" not in body
    assert "CPTS &lt;script&gt;alert(1)&lt;/script&gt; &#34;Sud&#34; &amp; co" in body


def test_cpts_page_shows_both_snippets_with_the_same_height(client, hostile):
    _, body = get(client, f"/cpts/{hostile.slugs['sud']}")
    assert "<script>alert(1)</script>" not in body
    script, iframe = textarea(body, "snippet-script"), textarea(body, "snippet")
    slug = hostile.slugs["sud"]
    assert script.startswith('<script src="http://localhost/static/embed/widget.js" '
                             f'data-cpts="{slug}"') and script.endswith(" async></script>")
    assert 'data-hauteur="600"' in script and 'height="600"' in iframe
    assert f'src="http://localhost/embed/cpts/{slug}"' in iframe
    # the hostile name is escaped inside the snippet too (it is HTML the site pastes)
    title = "Professionnels de santé — CPTS &lt;script&gt;alert(1)&lt;/script&gt; " \
            "&quot;Sud&quot; &amp; co"
    assert f'data-titre="{title}"' in script and f'title="{title}"' in iframe
    assert re.search(rf'id="snippet-preview" href="http://localhost/embed/cpts/{slug}"', body)
    # the configurator offers the members' professions
    assert re.findall(r'name="choix" value="(\w+)"', body) == ["10", "60"]


def test_configurator_without_javascript_rerenders_the_snippets(client, world):
    slug = world.slugs["sud"]
    _, body = get(client, f"/cpts/{slug}?choix=10&choix=60&hauteur=480&couleur=%23AA3300")
    script, iframe = textarea(body, "snippet-script"), textarea(body, "snippet")
    assert 'data-professions="10,60"' in script and 'data-couleur="#aa3300"' in script
    assert 'data-hauteur="480"' in script and 'height="480"' in iframe
    assert f"/embed/cpts/{slug}?choix=10%2C60&amp;couleur=%23aa3300" in iframe
    assert re.search(r'name="choix" value="10"[^>]*checked', body)
    assert 'id="widget-couleur" name="couleur" value="#aa3300"' in body


@pytest.mark.parametrize("query, field", [("hauteur=5", "widget-hauteur"),
                                          ("hauteur=abc", "widget-hauteur"),
                                          ("couleur=bleu", "widget-couleur"),
                                          ("choix=%3Cx%3E", "widget-choix")])
def test_configurator_bad_choice_is_a_422_beside_the_field(client, world, query, field):
    _, body = get(client, f"/cpts/{world.slugs['sud']}?{query}", 422)
    assert f'id="{field}-erreur"' in body
    assert 'height="600"' in textarea(body, "snippet")  # the default snippets stay


def test_configurator_json_uses_the_same_generator(client, world):
    slug = world.slugs["sud"]
    resp = client.get(f"/cpts/{slug}/integration?choix=60&hauteur=700",
                      headers={"Accept": "application/json"})
    assert resp.status_code == 200
    data = resp.get_json()
    _, page = get(client, f"/cpts/{slug}?choix=60&hauteur=700")
    assert data["script"] == textarea(page, "snippet-script")
    assert data["iframe"] == textarea(page, "snippet")
    assert data["url"] == f"http://localhost/embed/cpts/{slug}?choix=60"
    body = assert_problem(client.get(f"/cpts/{slug}/integration?hauteur=99999",
                                     headers={"Accept": "application/json"}), 422)
    assert "hauteur" in body["errors"]


def test_map_page_snippets_carry_its_filters(client, world):
    _, body = get(client, f"/map/cpts/{world.slugs['sud']}?profession=60&nouveaux_patients=1")
    script, iframe = textarea(body, "snippet-script"), textarea(body, "snippet")
    assert 'data-professions="60"' in script and 'data-filtres="nouveaux_patients=1"' in script
    assert "?choix=60&amp;nouveaux_patients=1" in iframe
    assert 'data-hauteur="600"' in script and 'height="600"' in iframe


def test_brand_colour_through_the_api(client, accounts, world):
    _, token = accounts("coordinator", cpts_id=world.cpts["sud"])
    url = f"/api/v1/cpts/{world.slugs['sud']}"
    resp = client.patch(url, json={"brand_color": "#0F766E"}, headers=bearer(token))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["properties"]["brand_color"] == "#0f766e"
    for bad in ("rouge", "#12345", "#1234567", "#12345g", "<b>"):
        body = assert_problem(client.patch(url, json={"brand_color": bad},
                                           headers=bearer(token)), 422)
        assert "brand_color" in body["errors"]
    assert client.get(url).get_json()["properties"]["brand_color"] == "#0f766e"  # unchanged
    resp = client.patch(url, json={"brand_color": None}, headers=bearer(token))
    assert resp.get_json()["properties"]["brand_color"] is None


def test_brand_colour_through_the_page_form(client, sign_in, session, world):
    slug = world.slugs["sud"]
    _, body = get(client, f"/cpts/{slug}")
    assert 'name="brand_color"' not in body  # the public sees no management form
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    resp = client.post(f"/cpts/{slug}/couleur", data={"csrf_token": TOKEN,
                                                       "brand_color": "vert<b>"})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert 'id="brand-color-erreur"' in body and "#rrggbb" in body
    assert 'value="vert&lt;b&gt;"' in body and "vert<b>" not in body
    assert session.execute(text("SELECT brand_color FROM cpts WHERE id = :id"),
                           {"id": world.cpts["sud"]}).scalar() is None
    resp = client.post(f"/cpts/{slug}/couleur", data={"csrf_token": TOKEN,
                                                       "brand_color": "#AA3300"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#integrer")
    _, body = get(client, f"/embed/cpts/{slug}")
    assert "--brand: #aa3300; --brand-text: #ffffff;" in body


def test_brand_colour_form_is_for_the_cpts_managers_only(client, sign_in, world):
    sign_in("coordinator", cpts_id=world.cpts["est"])
    resp = client.post(f"/cpts/{world.slugs['sud']}/couleur",
                       data={"csrf_token": TOKEN, "brand_color": "#000000"})
    assert resp.status_code == 403



def test_widget_lists_the_nearest_among_all_members_not_one_page(client, session, world):
    """120 members within the radius: the nearest is the last by name, far beyond the first
    page of the map's list; the widget still lists it first (it is the directory search of
    /recherche, restricted to the CPTS)."""
    cpts_id = world.cpts["sud"]
    session.execute(text("""
        WITH new AS (
          INSERT INTO professional (first_name, last_name, profession_code, source)
          SELECT 'Prénom', 'AAA' || lpad(n::text, 3, '0'), '60', 'api'
          FROM generate_series(1, 119) n
          UNION ALL SELECT 'Zoé', 'ZZZ Plus-Proche', '60', 'api'
          RETURNING id, last_name),
        sites AS (
          INSERT INTO practice_site (professional_id, address, address_key, geom,
                                     geocode_source, geocode_status, precision, source)
          SELECT id, 'rue du Test', 'rue du test',
                 ST_SetSRID(ST_MakePoint(2.3400 + CASE WHEN last_name LIKE 'ZZZ%' THEN 0
                                                     ELSE 0.001 + random() * 0.02 END,
                                         48.8400), 4326), 'given', 'ok', 'address', 'api'
          FROM new RETURNING professional_id)
        INSERT INTO cpts_member (cpts_id, professional_id) SELECT :cpts, id FROM new"""),
        {"cpts": cpts_id})
    session.commit()
    _, body = get(client, f"/embed/cpts/{world.slugs['sud']}?lat=48.8400&lon=2.3400"
                          "&profession=60&rayon=5")
    names = re.findall(r'class="w-card-name"><a [^>]*>([^<]+)</a>', body)
    assert names[0] == "Zoé ZZZ Plus-Proche" and len(names) == 10
