"""The pages speak French by default and English when asked (Accept-Language, ?lang=, cookie)."""
from __future__ import annotations


def test_french_by_default(client):
    page = client.get("/recherche")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in body
    assert "Aller au contenu" in body
    assert "Accept-Language" in page.headers["Vary"]


def test_accept_language_chooses_english(client):
    body = client.get("/recherche", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True)
    assert '<html lang="en" dir="ltr">' in body
    assert "Skip to content" in body and "Aller au contenu" not in body


def test_switch_is_remembered_and_keeps_the_query(client):
    page = client.get("/recherche?profession=10&profession=60&lang=en")
    assert "Skip to content" in page.get_data(as_text=True)
    assert "lang=en" in page.headers["Set-Cookie"]
    # the switch back to French keeps every parameter, repeated ones included
    assert 'href="/recherche?profession=10&amp;profession=60&amp;lang=fr"' in page.get_data(
        as_text=True)
    again = client.get("/recherche")  # the cookie now chooses
    assert "Skip to content" in again.get_data(as_text=True)


def test_unknown_language_falls_back_to_french(client):
    body = client.get("/recherche?lang=xx", headers={"Accept-Language": "de"}).get_data(
        as_text=True)
    assert '<html lang="fr"' in body
