"""After signing in, each role lands on its workspace, unless a safe local ``next`` was given."""
from __future__ import annotations

import pytest

from ..web.test_signin import PASSWORD, get_form, with_password


def _sign_in(client, account, next_=""):
    return client.post("/connexion", data={"email": account.email, "password": PASSWORD,
                                           "csrf_token": get_form(client), "next": next_})


@pytest.mark.parametrize("role,scope,expected", [
    ("admin", {}, "/ars"),
    ("ars", {"regions": ["93"]}, "/ars"),
])
def test_reviewers_land_on_the_review(client, session, accounts, role, scope, expected):
    account, _ = accounts(role, **scope)
    resp = _sign_in(client, with_password(session, account))
    assert resp.status_code == 302 and resp.headers["Location"] == expected


def test_coordinator_lands_on_their_cpts_and_professional_on_their_entry(client, session,
                                                                         accounts, world):
    cpts = world.cpts("CPTS Atterrissage", world.communes("83", (6.0, 43.1), 2))
    pro = world.professional()
    coordinator, _ = accounts("coordinator", cpts_id=cpts.id)
    resp = _sign_in(client, with_password(session, coordinator))
    assert resp.headers["Location"] == f"/cpts/{cpts.slug}"
    client.post("/deconnexion", data={"csrf_token": get_form(client, f"/cpts/{cpts.slug}")})
    professional, _ = accounts("professional", professional_id=pro)
    resp = _sign_in(client, with_password(session, professional))
    assert resp.headers["Location"] == "/moi"
    assert client.get("/moi").status_code == 200


@pytest.mark.parametrize("next_,expected", [
    ("/map/coverage?region=93", "/map/coverage?region=93"),
    ("https://evil.example/", "/ars"), ("//evil.example/", "/ars"),
    ("/\\evil.example", "/ars"), ("javascript:alert(1)", "/ars"),
])
def test_next_wins_only_when_local(client, session, accounts, next_, expected):
    account, _ = accounts("ars", regions=["93"])
    resp = _sign_in(client, with_password(session, account), next_)
    assert resp.headers["Location"] == expected
