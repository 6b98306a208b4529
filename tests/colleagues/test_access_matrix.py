"""The one rule (``directory.colleague_access``) through real HTTP: the whole matrix — anonymous,
a professional of the same CPTS, of another CPTS, the coordinator of the CPTS, of another one,
ARS, an administrator, the entry's own account — for the API (an entry and the search), the
colleagues page and the vCards."""
from __future__ import annotations

import pytest
import vobject

from tests.colleagues.conftest import NURSE_SITE
from tests.support import bearer

FIELDS = ("private_phone", "mssante", "referral_preference", "takes_referrals", "colleague_note")


def who(world, key: str) -> tuple[str, dict]:
    """(role, scope) of each column of the matrix; the physio's entry is the one looked at."""
    return {
        "pro_same": ("professional", {"professional_id": world.pros["nurse"]}),
        "pro_other": ("professional", {"professional_id": world.pros["other"]}),
        "coordinator": ("coordinator", {"cpts_id": world.cpts["sud"]}),
        "coordinator_other": ("coordinator", {"cpts_id": world.cpts["est"]}),
        "ars": ("ars", {"regions": ["11"]}),
        "admin": ("admin", {}),
        "own": ("professional", {"professional_id": world.pros["physio"]}),
    }[key]


MATRIX = [("pro_same", True), ("pro_other", False), ("coordinator", True),
          ("coordinator_other", False), ("ars", False), ("admin", True), ("own", True)]


def test_the_rule_itself(session, world):
    from mapper.auth.principal import ANONYMOUS, Principal
    from mapper.services.directory import may_see_professional_fields

    physio = world.pros["physio"]
    assert not may_see_professional_fields(session, ANONYMOUS, physio)
    assert not may_see_professional_fields(session, None, physio)
    for key, allowed in MATRIX:
        role, scope = who(world, key)
        principal = Principal(account_id=1, role=role, regions=frozenset(scope.get("regions", ())),
                              cpts_id=scope.get("cpts_id"),
                              professional_id=scope.get("professional_id"))
        assert may_see_professional_fields(session, principal, physio) is allowed, key


def test_anonymous_api_gets_the_public_view(client, world):
    physio = world.pros["physio"]
    body = client.get(f"/api/v1/professionals/{physio}").get_json()
    assert not set(FIELDS) & set(body) and "colleague" not in body
    found = client.get(f"/api/v1/professionals/search?near={NURSE_SITE[0]},{NURSE_SITE[1]}"
                       "&profession=70").get_json()["results"]
    assert found and all(not set(FIELDS) & set(r) for r in found)


@pytest.mark.parametrize("key,allowed", MATRIX)
def test_the_api_entry_and_search(client, world, accounts, key, allowed):
    role, scope = who(world, key)
    _, token = accounts(role, **scope)
    physio = world.pros["physio"]
    body = client.get(f"/api/v1/professionals/{physio}", headers=bearer(token)).get_json()
    if allowed:
        assert body["mssante"] == "physio@kine.mssante.fr"
        assert body["private_phone"].startswith("06 99") and body["takes_referrals"] is True
    else:
        assert not set(FIELDS) & set(body), body
    found = client.get(f"/api/v1/professionals/search?near={NURSE_SITE[0]},{NURSE_SITE[1]}"
                       "&profession=70", headers=bearer(token)).get_json()["results"]
    mine = next(r for r in found if r["id"] == physio)
    assert ("mssante" in mine) is allowed
    other = next(r for r in found if r["id"] == world.pros["other"])  # a member of CPTS Est
    assert ("mssante" in other) is (key in ("admin", "pro_other", "coordinator_other"))


@pytest.mark.parametrize("key,allowed", MATRIX)
def test_the_vcard_of_a_colleague(client, world, sign_in, key, allowed):
    role, scope = who(world, key)
    sign_in(role, **scope)
    resp = client.get(f"/collegues/{world.pros['physio']}.vcf")
    if role == "ars":
        assert resp.status_code == 403
        return
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/vcard; charset=utf-8"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    card = vobject.readOne(resp.get_data(as_text=True))
    assert card.version.value == "4.0" and card.fn.value == "Chloé Petit"
    tels = [t.value for t in card.contents.get("tel", [])]
    emails = [e.value for e in card.contents.get("email", [])]
    assert "tel:+33140000070" in tels  # the public (practice) phone, for everyone signed in
    assert ("tel:+33699000006" in tels) is allowed
    assert ("physio@kine.mssante.fr" in emails) is allowed
    assert ("note" in card.contents) is allowed


@pytest.mark.parametrize("key", ["pro_same", "pro_other", "coordinator", "coordinator_other",
                                 "ars", "admin", "own"])
def test_the_vcards_of_a_cpts(client, world, sign_in, key):
    role, scope = who(world, key)
    sign_in(role, **scope)
    resp = client.get(f"/collegues/cpts/{world.slugs['sud']}.vcf")
    if key in ("pro_other", "coordinator_other", "ars"):
        assert resp.status_code == 403
        assert "mssante" not in resp.get_data(as_text=True)
        return
    assert resp.status_code == 200
    cards = list(vobject.readComponents(resp.get_data(as_text=True)))
    assert sorted(c.fn.value for c in cards) == [
        "Anaïs Martin", "Bernard Durand", "Chloé Petit", "Denis Roux"]
    assert all(c.version.value == "4.0" for c in cards)
    assert all(any("mssante.fr" in e.value for e in c.contents.get("email", [])) for c in cards)


def test_anonymous_gets_no_page_nor_vcard(client, world):
    assert client.get("/collegues").status_code == 302
    assert client.get(f"/collegues/{world.pros['physio']}.vcf").status_code == 302
    assert client.get(f"/collegues/cpts/{world.slugs['sud']}.vcf").status_code == 302
    resp = client.get("/api/v1/professionals/search?profession=70")
    assert "mssante" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("key,allowed", MATRIX)
def test_the_colleagues_page(client, world, sign_in, key, allowed):
    role, scope = who(world, key)
    sign_in(role, **scope)
    resp = client.get("/collegues?profession=70&perimetre=proches")
    html = resp.get_data(as_text=True)
    if role == "ars":
        assert resp.status_code == 403 and "physio@kine" not in html
        return
    assert resp.status_code == 200, html
    if key == "own":
        assert "Chloé Petit" not in html  # not one's own colleague
        return
    assert "Chloé Petit" in html
    assert ("mailto:physio@kine.mssante.fr" in html) is allowed
    assert ('href="tel:0699000006"' in html) is allowed


def test_unknown_profession_is_a_field_error(client, world, sign_in):
    sign_in("professional", professional_id=world.pros["nurse"])
    resp = client.get("/collegues?profession=zz")
    assert resp.status_code == 422
    assert "code profession inconnu" in resp.get_data(as_text=True)


def test_the_api_filter_on_referrals_is_for_colleagues_only(client, world, accounts):
    near = f"near={NURSE_SITE[0]},{NURSE_SITE[1]}&profession=70&takes_referrals=true"
    resp = client.get(f"/api/v1/professionals/search?{near}")
    assert resp.status_code == 401
    assert resp.mimetype == "application/problem+json"
    _, token = accounts("professional", professional_id=world.pros["nurse"])
    found = client.get(f"/api/v1/professionals/search?{near}",
                       headers=bearer(token)).get_json()["results"]
    # Denis Roux (nearer) takes none; Eve Blanc takes them but is of CPTS Est: not visible.
    assert [r["last_name"] for r in found] == ["Petit"] and found[0]["colleague"] is True
    _, token = accounts("ars", regions=["11"])
    assert client.get(f"/api/v1/professionals/search?{near}",
                      headers=bearer(token)).get_json()["results"] == []
    _, token = accounts("admin")
    found = client.get(f"/api/v1/professionals/search?{near}",
                       headers=bearer(token)).get_json()["results"]
    assert [r["last_name"] for r in found] == ["Blanc", "Petit"]
