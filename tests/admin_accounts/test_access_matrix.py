"""Who may do what on /admin/comptes (Flask test client, one transaction per test): an
administrator everything, an ARS officer only the coordinator accounts of the CPTS of their
région, every other role 403, anonymous visitors sent to sign in. A tampered form cannot
create an account outside the officer's scope; nobody deactivates themselves."""
from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import text

from tests.conftest import CSRF_TOKEN
from tests.support import assert_problem, bearer

TARGETS = ("admin", "ars11", "ars93", "coord_nord", "coord_sud", "pro")
#: What each signed-in role may open: the account pages of these targets.
MAY_SEE = {"admin": set(TARGETS), "ars11": {"coord_nord"}, "ars93": {"coord_sud"},
           "coord_nord": set(), "pro": set()}


def sign_in_as(client, session, scene, key: str) -> None:
    from mapper.models import Account
    from mapper.services.accounts.sessions import open_session

    token = open_session(session, session.get(Account, scene.ids[key]))
    session.commit()
    with client.session_transaction() as cookie:
        cookie["sid"] = token
        cookie["csrf"] = CSRF_TOKEN


def active(session, scene, key: str) -> bool:
    return session.execute(text("SELECT active FROM account WHERE id = :i"),
                           {"i": scene.ids[key]}).scalar()


def test_anonymous_is_sent_to_sign_in(client, scene):
    resp = client.get("/admin/comptes")
    assert resp.status_code == 302 and "/connexion?next=/admin/comptes" in resp.location
    assert client.get(f"/admin/comptes/{scene.ids['coord_nord']}").status_code == 302
    assert client.post(f"/admin/comptes/{scene.ids['coord_nord']}/desactiver").status_code in (
        400, 401)  # no CSRF secret, no account: refused either way


@pytest.mark.parametrize("who", sorted(MAY_SEE))
def test_list_and_pages_by_role(client, session, scene, who):
    sign_in_as(client, session, scene, who)
    listing = client.get("/admin/comptes")
    if not MAY_SEE[who]:
        assert listing.status_code == 403
        assert "Accès refusé" in unescape(listing.get_data(as_text=True))
        assert client.get("/admin/comptes/nouveau").status_code == 403
    else:
        html = listing.get_data(as_text=True)
        assert listing.status_code == 200
        for target in TARGETS:
            assert (f">{scene.emails[target]}</a>" in html) == (target in MAY_SEE[who]), target
    for target in TARGETS:
        resp = client.get(f"/admin/comptes/{scene.ids[target]}")
        assert resp.status_code == (200 if target in MAY_SEE[who] else 403), (who, target)


@pytest.mark.parametrize("who", ["ars93", "coord_nord", "pro"])
def test_out_of_scope_writes_are_refused(client, session, scene, who):
    sign_in_as(client, session, scene, who)
    target = scene.ids["coord_nord"]
    for path in ("desactiver", "inviter", "jetons/revoquer", "reactiver"):
        resp = client.post(f"/admin/comptes/{target}/{path}", data={"csrf_token": CSRF_TOKEN})
        assert resp.status_code == 403, path
    assert active(session, scene, "coord_nord")
    assert session.execute(text("SELECT count(*) FROM api_token WHERE account_id = :i AND "
                                "revoked_at IS NULL"), {"i": target}).scalar() == 1


def test_ars_officer_manages_a_coordinator_of_their_region(client, session, scene):
    sign_in_as(client, session, scene, "ars11")
    target = scene.ids["coord_nord"]
    ask = client.get(f"/admin/comptes/{target}/desactiver")
    assert ask.status_code == 200 and "Oui, désactiver ce compte" in ask.get_data(as_text=True)
    assert active(session, scene, "coord_nord")  # asking changes nothing
    done = client.post(f"/admin/comptes/{target}/desactiver", data={"csrf_token": CSRF_TOKEN})
    assert done.status_code == 302 and not active(session, scene, "coord_nord")
    page = unescape(client.get(f"/admin/comptes/{target}").get_data(as_text=True))
    assert "désactivé" in page and "révoqué le" in page and "cpts_" not in page
    assert client.post(f"/admin/comptes/{target}/reactiver",
                       data={"csrf_token": CSRF_TOKEN}).status_code == 302
    assert active(session, scene, "coord_nord")
    actions = session.execute(text(
        "SELECT action FROM audit_event WHERE entity_type = 'account' AND entity_id = :i "
        "AND account_id = :a ORDER BY id"), {"i": str(target), "a": scene.ids["ars11"]}).scalars()
    assert list(actions) == ["account.tokens_revoke", "account.deactivate",
                             "account.reactivate"]


def test_tampered_create_form_cannot_leave_the_scope(client, session, scene):
    sign_in_as(client, session, scene, "ars11")
    before = session.execute(text("SELECT count(*) FROM account")).scalar()
    form = {"csrf_token": CSRF_TOKEN, "email": "new@example.org"}
    other_region = client.post("/admin/comptes/nouveau",
                               data={**form, "role": "coordinator", "cpts": scene.cpts["sud"]})
    html = unescape(other_region.get_data(as_text=True))
    assert other_region.status_code == 403 and 'id="cpts-erreur"' in html
    assert "pas dans votre région" in html
    for role, extra in (("admin", {}), ("ars", {"region": "11"}),
                        ("professional", {"professional": "1"})):
        resp = client.post("/admin/comptes/nouveau", data={**form, "role": role, **extra})
        assert resp.status_code == 403, role
    assert session.execute(text("SELECT count(*) FROM account")).scalar() == before
    ok = client.post("/admin/comptes/nouveau", data={**form, "role": "coordinator",
                                                     "cpts": scene.cpts["nord"],
                                                     "region": "93"})
    assert ok.status_code == 201, ok.get_data(as_text=True)
    row = session.execute(text("SELECT role, cpts_id, regions FROM account WHERE email = "
                               "'new@example.org'")).one()
    assert row == ("coordinator", scene.cpts["nord"], [])  # the région sent is not kept


def test_create_errors_are_shown_by_their_fields(client, session, scene):
    sign_in_as(client, session, scene, "admin")
    resp = client.post("/admin/comptes/nouveau", data={
        "csrf_token": CSRF_TOKEN, "email": "pas-une-adresse", "role": "coordinator"})
    html = unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422
    assert 'id="email-erreur"' in html and 'id="cpts-erreur"' in html
    assert 'value="pas-une-adresse"' in html
    taken = client.post("/admin/comptes/nouveau", data={
        "csrf_token": CSRF_TOKEN, "email": scene.emails["pro"], "role": "ars", "region": "93"})
    assert taken.status_code == 409 and 'id="email-erreur"' in taken.get_data(as_text=True)
    pro = client.post("/admin/comptes/nouveau", data={
        "csrf_token": CSRF_TOKEN, "email": "x@example.org", "role": "professional",
        "professional": "99999999999"})
    assert pro.status_code == 422 and 'id="professional-erreur"' in pro.get_data(as_text=True)


def test_nobody_deactivates_themselves(client, session, scene):
    sign_in_as(client, session, scene, "admin")
    mine = scene.ids["admin"]
    page = unescape(client.get(f"/admin/comptes/{mine}/desactiver").get_data(as_text=True))
    assert "Vous ne pouvez pas désactiver votre propre compte" in page
    resp = client.post(f"/admin/comptes/{mine}/desactiver", data={"csrf_token": CSRF_TOKEN})
    assert resp.status_code == 409 and active(session, scene, "admin")
    assert "propre compte" in unescape(resp.get_data(as_text=True))


def test_search_filters_french_order_and_pages(client, session, scene):
    from mapper.services.accounts import create_account

    for name in ("zoe", "émile", "eric", "edgar") + tuple(f"p{n:02d}" for n in range(25)):
        create_account(session, email=f"{name}@example.org", role="coordinator",
                       cpts_id=scene.cpts["nord"], actor="test", with_token=False)
    session.commit()
    sign_in_as(client, session, scene, "admin")
    html = client.get("/admin/comptes?role=coordinator").get_data(as_text=True)
    order = [html.index(f">{n}@example.org<") for n in ("edgar", "émile", "eric")]
    assert order == sorted(order)  # é sorts with e, not after z
    assert "page 1 sur 2" in html and 'rel="next"' in html
    second = client.get("/admin/comptes?role=coordinator&page=2").get_data(as_text=True)
    assert "zoe@example.org" in second and "p00@example.org" not in second
    found = client.get("/admin/comptes?q=SUD").get_data(as_text=True)
    assert "coord_sud@example.org" in found and "coord_nord@example.org" not in found
    region = client.get("/admin/comptes?region=93").get_data(as_text=True)
    assert "ars93@example.org" in region and "coord_sud@example.org" in region
    assert "ars11@example.org" not in region
    session.execute(text("UPDATE account SET active = false WHERE email = 'zoe@example.org'"))
    session.commit()
    inactive = client.get("/admin/comptes?actif=0").get_data(as_text=True)
    assert "zoe@example.org" in inactive and "eric@example.org" not in inactive
    assert client.get("/admin/comptes?page=abc&role=x&actif=9").status_code == 200


def test_api_shares_the_scope(client, scene):
    ars = bearer(scene.tokens["ars11"])
    assert client.get(f"/api/v1/accounts/{scene.ids['coord_nord']}",
                      headers=ars).status_code == 200
    for target in ("coord_sud", "admin", "pro"):
        assert_problem(client.get(f"/api/v1/accounts/{scene.ids[target]}", headers=ars), 403)
    assert_problem(client.post("/api/v1/accounts", headers=ars, json={
        "email": "c@example.org", "role": "coordinator", "cpts": scene.cpts["nord"]}), 403)
    assert_problem(client.get(f"/api/v1/accounts/{scene.ids['coord_nord']}",
                              headers=bearer(scene.tokens["coord_sud"])), 403)
    done = client.post(f"/api/v1/accounts/{scene.ids['coord_nord']}/deactivate", headers=ars)
    assert done.status_code == 200 and done.get_json()["active"] is False
    again = client.post(f"/api/v1/accounts/{scene.ids['coord_nord']}/reactivate", headers=ars)
    assert again.status_code == 200 and again.get_json()["active"] is True


def test_navigation_links_the_page(client, session, scene):
    sign_in_as(client, session, scene, "ars11")
    assert 'href="/admin/comptes"' in client.get("/ars").get_data(as_text=True)
