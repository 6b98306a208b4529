"""The CPTS page's « Sites autorisés » form through HTTP: origins normalised and deduplicated,
reasons in French beside the field, nothing written on a refusal, the same rules and reasons
as the API's PATCH, the widget's frame-ancestors following, and who may use it."""
from __future__ import annotations

import html
import re

from sqlalchemy import text

from tests.conftest import CSRF_TOKEN
from tests.support import assert_problem, bearer


def csp_frame_ancestors(resp) -> str:
    policy = dict(p.strip().split(" ", 1) for p in resp.headers["Content-Security-Policy"]
                  .split(";") if " " in p.strip())
    return policy["frame-ancestors"]


def stored(session, cpts_id: int):
    return session.execute(text("SELECT website, embed_origins FROM cpts WHERE id = :id"),
                           {"id": cpts_id}).one()


def post_sites(client, slug, website, origins):
    return client.post(f"/cpts/{slug}/sites", data={"csrf_token": CSRF_TOKEN,
                                                    "site_web": website, "origines": origins})


def test_coordinator_authorises_sites_normalised_and_the_widget_follows(client, session, world,
                                                                        sign_in):
    sud = world.cpts["sud"]
    sign_in("coordinator", cpts_id=sud)
    resp = post_sites(client, world.slugs["sud"], " https://www.cpts-sud.fr/accueil ",
                      "www.cpts-sud.fr/\r\nHTTPS://WWW.CPTS-SUD.FR:443\r\n\r\n"
                      "http://localhost:8080/\r\nhttps://santé-sud.fr")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/cpts/{world.slugs['sud']}#sites-autorises")
    website, origins = stored(session, sud)
    assert website == "https://www.cpts-sud.fr/accueil"
    assert origins == ["https://www.cpts-sud.fr", "http://localhost:8080",
                       "https://xn--sant-sud-e1a.fr"]
    widget = client.get(f"/embed/cpts/{world.slugs['sud']}")
    assert csp_frame_ancestors(widget) == ("https://www.cpts-sud.fr http://localhost:8080 "
                                           "https://xn--sant-sud-e1a.fr")
    event = session.execute(text(
        "SELECT action, before, after FROM audit_event WHERE entity_type = 'cpts' "
        "AND entity_id = :id ORDER BY id DESC LIMIT 1"), {"id": str(sud)}).one()
    assert event.action == "cpts.update"
    assert event.before["embed_origins"] == [] and event.after["embed_origins"] == origins
    page = client.get(f"/cpts/{world.slugs['sud']}").get_data(as_text=True)
    assert "<code>https://www.cpts-sud.fr</code>" in page
    assert "Sites autorisés enregistrés." in page


def test_bad_origins_are_shown_beside_the_field_and_nothing_is_written(client, session, world,
                                                                      sign_in):
    sud = world.cpts["sud"]
    sign_in("coordinator", cpts_id=sud)
    before = stored(session, sud)
    typed = "https://ok.example.fr\r\nhttps://cpts-sud.fr/widget\r\nhttp://cpts-sud.fr"
    resp = post_sites(client, world.slugs["sud"], "javascript:alert(1)", typed)
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body
    field = re.search(r'<textarea id="origines"[^>]*>(.*?)</textarea>', body, re.S)
    assert 'aria-invalid="true"' in field.group(0)
    assert html.unescape(field.group(1)) == typed.replace("\r\n", "\n") or \
        html.unescape(field.group(1)).replace("\r\n", "\n") == typed.replace("\r\n", "\n")
    errors = html.unescape(re.search(r'<p class="field-error" id="origines-erreur">(.*?)</p>',
                                     body, re.S).group(1))
    assert "« https://cpts-sud.fr/widget » : indiquez seulement l'adresse du site" in errors
    assert "« http://cpts-sud.fr » : l'adresse doit commencer par https://" in errors
    assert "ok.example.fr" not in errors
    website_error = html.unescape(re.search(
        r'<p class="field-error" id="site-web-erreur">(.*?)</p>', body, re.S).group(1))
    assert "Adresse de site invalide" in website_error
    assert 'value="javascript:alert(1)"' in body  # kept to be corrected, escaped in an attribute
    assert stored(session, sud) == before


def test_the_api_patch_applies_the_same_rules_with_the_same_reasons(client, session, world,
                                                                   accounts, sign_in):
    sud = world.cpts["sud"]
    _, token = accounts("coordinator", cpts_id=sud)
    bad = ["https://cpts-sud.fr/widget", "http://cpts-sud.fr"]
    problem = assert_problem(client.patch(f"/api/v1/cpts/{sud}", json={"embed_origins": bad},
                                          headers=bearer(token)), 422)
    sign_in("coordinator", cpts_id=sud)
    page = post_sites(client, world.slugs["sud"], "", "\n".join(bad)).get_data(as_text=True)
    for reason in problem["errors"]["embed_origins"]:
        assert reason in html.unescape(page)
    assert len(problem["errors"]["embed_origins"]) == 2
    resp = client.patch(f"/api/v1/cpts/{sud}", headers=bearer(token),
                        json={"embed_origins": ["WWW.CPTS-SUD.FR/", "https://www.cpts-sud.fr"]})
    assert resp.status_code == 200
    assert resp.get_json()["properties"]["embed_origins"] == ["https://www.cpts-sud.fr"]


def test_only_the_cpts_managers_may_change_its_sites(client, session, world, sign_in):
    sud = world.cpts["sud"]
    before = stored(session, sud)
    assert post_sites(client, world.slugs["sud"], "", "https://pirate.example").status_code in (
        400, 401)  # no session: refused (CSRF, then sign-in)
    sign_in("coordinator", cpts_id=world.cpts["est"])
    assert post_sites(client, world.slugs["sud"], "", "https://pirate.example").status_code == 403
    sign_in("professional", professional_id=world.pros["nurse"])
    assert post_sites(client, world.slugs["sud"], "", "https://pirate.example").status_code == 403
    assert stored(session, sud) == before
    page = client.get(f"/cpts/{world.slugs['sud']}").get_data(as_text=True)
    assert 'id="form-sites"' not in page and 'id="widget-preview"' not in page
    assert "<code>https://cpts-sud.example.org</code>" in page  # where it shows, for everyone


def test_the_preview_frames_the_widget_from_the_service_itself(client, world, sign_in):
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    page = client.get(f"/cpts/{world.slugs['sud']}?couleur=%23aa3300").get_data(as_text=True)
    src = html.unescape(re.search(r'<iframe class="widget-preview" id="widget-preview" '
                                  r'src="([^"]+)"', page).group(1))
    assert src.startswith(f"/embed/cpts/{world.slugs['sud']}?") and "apercu=1" in src
    assert "couleur=%23aa3300" in src
    preview = client.get(src)
    assert preview.status_code == 200
    assert csp_frame_ancestors(preview) == "'self' https://cpts-sud.example.org"
    assert csp_frame_ancestors(client.get(f"/embed/cpts/{world.slugs['nord']}")) == "'none'"
    assert csp_frame_ancestors(client.get(f"/embed/cpts/{world.slugs['nord']}?apercu=1")) \
        == "'self'"
