"""The account pages over real HTTP: an invitation reaches a real SMTP server and its link
signs the person in; without a mail server the link is shown to whoever invites; deactivating
an account ends its open session and its API token at once."""
from __future__ import annotations

import re
from html import unescape

import requests

from tests.mail.helpers import http_sign_in


def _new(site, web, csrf, base: str, email: str, **fields):
    return web.post(f"{base}/admin/comptes/nouveau", timeout=10,
                    data={"csrf_token": csrf, "email": email, **fields})


def test_invitation_mail_is_received_and_its_link_signs_in(admin_site):
    site, scene = admin_site, admin_site.scene
    web, csrf = http_sign_in(site.url, scene.emails["admin"])
    resp = _new(site, web, csrf, site.url, "Nouvelle.Coord@example.org", role="coordinator",
                cpts=str(scene.cpts["nord"]))
    assert resp.status_code == 201, resp.text
    assert "Invitation envoyée à nouvelle.coord@example.org" in unescape(resp.text)
    to, message = site.inbox.messages[-1]
    assert to == ["nouvelle.coord@example.org"]
    link = site.inbox.link()
    assert link.startswith(f"{site.url}/connexion/lien/") and link not in resp.text
    person = requests.Session()
    landed = person.get(link, timeout=10)
    assert landed.status_code == 200 and landed.url.endswith("/compte/mot-de-passe")
    assert "nouvelle.coord@example.org" in landed.text  # signed in: the header names them
    assert requests.get(link, timeout=10).status_code == 400  # once only


def test_ars_officer_reinvites_a_coordinator_of_their_region(admin_site):
    site, scene = admin_site, admin_site.scene
    web, csrf = http_sign_in(site.url, scene.emails["ars11"])
    before = len(site.inbox.messages)
    resp = web.post(f"{site.url}/admin/comptes/{scene.ids['coord_nord']}/inviter",
                    data={"csrf_token": csrf}, timeout=10)
    assert resp.status_code == 200 and "Invitation envoyée" in unescape(resp.text)
    assert len(site.inbox.messages) == before + 1
    assert site.inbox.messages[-1][0] == [scene.emails["coord_nord"]]
    refused = web.post(f"{site.url}/admin/comptes/{scene.ids['coord_sud']}/inviter",
                       data={"csrf_token": csrf}, timeout=10)
    assert refused.status_code == 403 and len(site.inbox.messages) == before + 1


def test_without_a_mail_server_the_link_is_shown(admin_site):
    site, scene = admin_site, admin_site.scene
    web, csrf = http_sign_in(site.quiet_url, scene.emails["admin"])
    before = len(site.inbox.messages)
    resp = _new(site, web, csrf, site.quiet_url, "sans.mail@example.org", role="ars",
                region="93")
    html = unescape(resp.text)
    assert resp.status_code == 201 and "Aucun serveur de messagerie" in html
    link = re.search(r"<code>(http://[^<]+/connexion/lien/[^<]+)</code>", html).group(1)
    assert len(site.inbox.messages) == before
    landed = requests.Session().get(link, timeout=10)
    assert landed.status_code == 200 and "sans.mail@example.org" in landed.text


def test_deactivation_ends_the_session_and_the_token_now(admin_site):
    site, scene = admin_site, admin_site.scene
    victim, _ = http_sign_in(site.url, scene.emails["ars93"])
    token = {"Authorization": f"Bearer {scene.tokens['ars93']}"}
    assert victim.get(f"{site.url}/ars?region=93", timeout=10, allow_redirects=False
                      ).status_code == 200
    assert requests.get(f"{site.url}/api/v1/arbitrations", headers=token,
                        timeout=10).status_code == 200
    admin, csrf = http_sign_in(site.url, scene.emails["admin"])
    path = f"{site.url}/admin/comptes/{scene.ids['ars93']}/desactiver"
    assert "Oui, désactiver ce compte" in admin.get(path, timeout=10).text
    done = admin.post(path, data={"csrf_token": csrf}, timeout=10)
    assert done.status_code == 200 and "désactivé" in unescape(done.text)
    gone = victim.get(f"{site.url}/ars?region=93", timeout=10, allow_redirects=False)
    assert gone.status_code == 302 and "/connexion" in gone.headers["Location"]
    assert requests.get(f"{site.url}/api/v1/arbitrations", headers=token,
                        timeout=10).status_code == 401


def test_ars_officer_deactivates_a_coordinator(admin_site):
    site, scene = admin_site, admin_site.scene
    victim, _ = http_sign_in(site.url, scene.emails["coord_nord"])
    token = {"Authorization": f"Bearer {scene.tokens['coord_nord']}"}
    campaigns = f"{site.url}/api/v1/cpts/{scene.cpts['nord']}/campaigns"
    assert requests.get(campaigns, headers=token, timeout=10).status_code == 200
    assert victim.get(f"{site.url}/compte/mot-de-passe", timeout=10).status_code == 200
    officer, csrf = http_sign_in(site.url, scene.emails["ars11"])
    done = officer.post(f"{site.url}/admin/comptes/{scene.ids['coord_nord']}/desactiver",
                        data={"csrf_token": csrf}, timeout=10)
    assert done.status_code == 200
    assert victim.get(f"{site.url}/compte/mot-de-passe", timeout=10).status_code == 401
    assert requests.get(campaigns, headers=token, timeout=10).status_code == 401


def test_revoking_a_token_on_the_page_closes_the_api_now(admin_site):
    from sqlalchemy import text

    from mapper.db import get_db

    site, scene = admin_site, admin_site.scene
    token = {"Authorization": f"Bearer {scene.tokens['coord_sud']}"}
    campaigns = f"{site.url}/api/v1/cpts/{scene.cpts['sud']}/campaigns"
    assert requests.get(campaigns, headers=token, timeout=10).status_code == 200
    with get_db(site.app).session_scope() as session:
        token_id = session.execute(text("SELECT id FROM api_token WHERE account_id = :a"),
                                   {"a": scene.ids["coord_sud"]}).scalar_one()
    officer, csrf = http_sign_in(site.url, scene.emails["admin"])
    page = officer.get(f"{site.url}/admin/comptes/{scene.ids['coord_sud']}", timeout=10).text
    assert "created by users create" in page and "dernier usage le" in page
    assert scene.tokens["coord_sud"] not in page  # never the secret
    done = officer.post(f"{site.url}/admin/comptes/{scene.ids['coord_sud']}/jetons/revoquer",
                        data={"csrf_token": csrf, "jeton": str(token_id)}, timeout=10)
    assert done.status_code == 200 and "1 jeton(s) révoqué(s)" in unescape(done.text)
    assert requests.get(campaigns, headers=token, timeout=10).status_code == 401
