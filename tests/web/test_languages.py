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


def test_templates_never_translate_a_variable_with_underscore():
    """``_()`` marks its result safe: on a variable it would print user input unescaped.
    Run-time messages go through the ``tr`` filter instead."""
    import re
    from pathlib import Path

    call = re.compile(r"""\b_\(\s*(?!["'])""")
    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = [f"{path}:{n}" for path in templates.rglob("*.html")
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if call.search(line)]
    assert offenders == []


def test_tr_filter_escapes_and_translates(app):
    from flask import render_template_string

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        out = render_template_string("{{ a | tr }}|{{ b | tr }}", a="<b>100%</b>",
                                     b="Trouver un professionnel")
    assert out == "&lt;b&gt;100%&lt;/b&gt;|Find a professional"
