"""/professionnels/<id>: the public page of a professional — every public field in words, no
private field ever, a French 404 for unknown ids, escaping, the QR code of the page's own URL."""
from __future__ import annotations

import html as htmlmod
import re
from datetime import datetime, time, timedelta, timezone

import pytest
import qrcode

from mapper.labels import MONTH
from tests.factories.world import WorldBuilder
from tests.support import make_settings

PRIVATE_PHONE = "06 99 88 77 66"
PRIVATE_EMAIL = "zoe.prive@example.org"
EXTERNAL_REF = "REF-SECRETE-42"
SCRIPT_NAME = "<script>alert(1)</script>Leroy"


@pytest.fixture()
def rich(session, world, tmp_path) -> int:
    """A doctor with two sites, both kinds of zone, three kinds of slot and private fields."""
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    pid = w.professional(
        first_name="Zoé", last_name=SCRIPT_NAME, profession="10", specialty="Médecine générale",
        competencies=["plaies-cicatrisation", "pediatrie"], accepts_new_patients=True,
        home_visits=True, teleconsultation=True, languages=["fr", "ar", "en"], accessible=True,
        phone="01 45 00 00 09", private_phone=PRIVATE_PHONE, email=PRIVATE_EMAIL,
        public_email=False, website="https://cabinet-leroy.example.org",
        external_ref=EXTERNAL_REF, cpts=[world.cpts["sud"]],
        last_verified_at=datetime.now(timezone.utc) - timedelta(days=10),
        sites=[{"name": "Cabinet Leroy", "address": "5 rue Boulard", "postcode": "75014",
                "commune": "75006", "lat": 48.831, "lon": 2.321},
               {"address": "8 rue Daguerre", "postcode": "75014", "commune": "75007",
                "lat": 48.835, "lon": 2.345}],
        zones=[{"communes": ["75002", "75003"]}, {"radius_km": 10, "site": 1}],
        slots=[{"weekday": 1, "start": time(9), "end": time(12), "kind": "snp", "site": 0},
               {"weekday": 3, "start": time(14), "end": time(16), "kind": "vaccination",
                "site": 1},
               {"weekday": 5, "start": time(20), "end": time(8), "kind": "permanence",
                "site": 0}])
    session.commit()
    return pid


def page(client, pid, **query) -> str:
    resp = client.get(f"/professionnels/{pid}", query_string=query)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    return resp.get_data(as_text=True)


def visible(html: str) -> str:
    """The page's text with tags removed and entities decoded (the map's data blocks kept)."""
    return htmlmod.unescape(re.sub(r"<[^>]+>", " ", html))


def test_every_public_field_in_words(client, rich):
    html = page(client, rich)
    text = re.sub(r"\s+", " ", visible(html))
    assert "Médecin — Médecine générale" in text
    assert "Pédiatrie, Plaies et cicatrisation" in text  # competency labels, not slugs
    assert "plaies-cicatrisation" not in html
    # every site, its full address with the commune's name
    assert "Cabinet Leroy" in text and "5 rue Boulard 75014 Commune 75-6" in text
    assert "8 rue Daguerre 75014 Commune 75-7" in text
    # the weekly hours by site and weekday, the kind of slot in words
    assert "Lundi 09:00 – 12:00 : soins non programmés" in text
    assert "Vendredi 20:00 – 08:00 (le lendemain) : permanence (sans rendez-vous)" in text
    assert "Mercredi 14:00 – 16:00 : vaccination (permanence, sans rendez-vous)" in text
    assert "n'est pas un rendez-vous à réserver" in text
    # the zone d'intervention as commune names and as a radius around a named site
    assert "Commune 75-2, Commune 75-3" in text
    assert "10 km autour de 8 rue Daguerre, Commune 75-7" in text
    assert "Accepte de nouveaux patients comme médecin traitant" in text
    assert "Se déplace à domicile" in text and "Propose la téléconsultation" in text
    assert "Cabinet accessible aux personnes à mobilité réduite" in text
    assert "Langues parlées anglais, arabe, français" in text  # names, alphabetical
    assert 'href="tel:0145000009"' in html
    assert 'href="https://cabinet-leroy.example.org"' in html
    assert 'href="/map/cpts/cpts-sud">CPTS Sud</a>' in html
    verified = datetime.now(timezone.utc) - timedelta(days=10)
    assert f"Fiche vérifiée le {verified.day} {MONTH[verified.month - 1]} {verified.year}" \
        in text
    assert "cpts-map-data" in html and "outlineLayer" in html and "professionLayer" in html
    assert 'id="imprimer"' in html


def test_commune_names_never_codes(client, rich):
    html = page(client, rich)
    for code in ("75002", "75003", "75006", "75007"):
        assert code not in html


def test_private_fields_never_shown(client, rich):
    html = page(client, rich)
    for secret in (PRIVATE_PHONE, PRIVATE_PHONE.replace(" ", ""), PRIVATE_EMAIL, EXTERNAL_REF):
        assert secret not in html
    assert "mailto:" not in html  # the e-mail is not public


def test_public_email_shown_when_public(client, session, world, tmp_path):
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    pid = w.professional(last_name="Public", email="contact@cabinet.example.org",
                         public_email=True, private_phone=PRIVATE_PHONE)
    session.commit()
    html = page(client, pid)
    assert 'href="mailto:contact@cabinet.example.org"' in html
    assert PRIVATE_PHONE not in html


def test_other_professions_and_stale_entries(client, world):
    physio = page(client, world.pros["physio"])
    assert "Accepte de nouveaux patients" in physio and "médecin traitant" not in physio
    assert "Membre d'aucune CPTS" in visible(physio)
    doctor = page(client, world.pros["doctor"])
    assert "Fiche non vérifiée depuis plus de 6 mois" in doctor
    assert "Fiche vérifiée le" not in doctor
    nurse = page(client, world.pros["nurse"])  # slots with no site: the only site's
    assert "Autres horaires" not in nurse and "Dimanche" in nurse


def test_escaping_of_a_name(client, rich):
    html = page(client, rich)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Leroy" in html


def test_title_and_canonical(client, rich):
    html = page(client, rich)
    url = f"http://localhost/professionnels/{rich}"
    assert f'<link rel="canonical" href="{url}">' in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Médecin" in title and "Commune 75-6" in title and "Carto CPTS" in title
    assert "<script" not in title


def _svg_modules(svg: str) -> set[tuple[int, int]]:
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", path)}


def test_qr_code_encodes_the_page_url(client, rich):
    html = page(client, rich)
    url = f"http://localhost/professionnels/{rich}"
    svg = re.search(r'<svg class="qr-code"[^>]*>.*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and "aria-label=\"Code QR de cette fiche" in svg
    assert url in html  # printed under the code, too
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    expected = {(x, y) for y, line in enumerate(code.get_matrix())
                for x, dark in enumerate(line) if dark}
    assert _svg_modules(svg) == expected


@pytest.mark.parametrize("path", ["/professionnels/999999", "/professionnels/-1",
                                  "/professionnels/2147483648", "/professionnels/99999999999999",
                                  "/professionnels/abc"])
def test_unknown_ids_are_a_french_404(client, world, path):
    resp = client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert "Ressource introuvable" in html and 'lang="fr"' in html


def test_languages_and_weekdays_follow_the_page_language(client, rich):
    html = page(client, rich, lang="en")
    assert "Arabic" in html and "Monday" in html


def test_my_entry_links_to_the_public_page(client, world, sign_in):
    sign_in("professional", professional_id=world.pros["nurse"])
    resp = client.get("/moi")
    assert resp.status_code == 200
    assert f'href="/professionnels/{world.pros["nurse"]}"' in resp.get_data(as_text=True)
