"""The widget's page cache (``mapper.http.pagecache``) over the data version (migration 0013):
a second visitor gets the same page with their own CSP nonce; any write a page reads, in the
same transaction, gives the next visitor a page of the new data; a search by place and a page
with errors are never stored."""
from __future__ import annotations

import re

from sqlalchemy import text

from mapper.services.dataversion import data_version


def _nonce(resp) -> str:
    policy = resp.headers["Content-Security-Policy"]
    return re.search(r"'nonce-([^']+)'", policy).group(1)


def _widget(client, url, status=200):
    resp = client.get(url)
    assert resp.status_code == status
    body = resp.get_data(as_text=True)
    nonce = _nonce(resp)
    assert f'nonce="{nonce}"' in body and "\x00" not in body
    return resp, body, nonce


def _cache(app):
    return app.extensions["mapper.pagecache"]


def test_a_second_visitor_gets_the_stored_page_with_their_own_nonce(app, client, world):
    _cache(app).clear()
    url = f"/embed/cpts/{world.slugs['sud']}"
    _, first, nonce1 = _widget(client, url)
    assert len(_cache(app)) == 1
    _, second, nonce2 = _widget(client, url)
    assert nonce1 != nonce2 and len(_cache(app)) == 1
    assert first.replace(nonce1, "N") == second.replace(nonce2, "N")
    assert nonce1 not in second  # nothing of the first visitor's nonce is served again


def test_a_write_the_page_reads_shows_to_the_next_visitor(app, client, session, world):
    _cache(app).clear()
    url = f"/embed/cpts/{world.slugs['sud']}"
    _, body, _ = _widget(client, url)
    assert "Anaïs Martin" in body
    before = data_version(session)
    session.execute(text("UPDATE professional SET last_name = 'Martin-Roux' WHERE id = :id"),
                    {"id": world.pros["nurse"]})
    assert data_version(session) > before
    _, body, _ = _widget(client, url)
    assert "Anaïs Martin-Roux" in body
    session.execute(text("DELETE FROM cpts_member WHERE professional_id = :id"),
                    {"id": world.pros["nurse"]})
    _, body, _ = _widget(client, url)
    assert "Martin-Roux" not in body and "Bernard Durand" in body


def test_a_rolled_back_write_never_brings_an_old_version_back(session, world):
    before = data_version(session)
    nested = session.begin_nested()
    session.execute(text("UPDATE cpts SET name = 'X' WHERE id = :id"), {"id": world.cpts["sud"]})
    written = data_version(session)
    nested.rollback()
    assert data_version(session) == before
    session.execute(text("UPDATE cpts SET name = 'Y' WHERE id = :id"), {"id": world.cpts["sud"]})
    assert data_version(session) not in (before, written)


def test_a_search_by_place_and_a_page_with_errors_are_not_stored(app, client, world):
    _cache(app).clear()
    slug = world.slugs["sud"]
    _widget(client, f"/embed/cpts/{slug}?adresse=12+rue+de+la+Paix+75014+Paris&rayon=5")
    _widget(client, f"/embed/cpts/{slug}?profession=99", 422)
    _, body, _ = _widget(client, f"/embed/cpts/{slug}?profession=99", 422)
    assert "w-error" in body
    assert len(_cache(app)) == 0


def test_each_language_has_its_page(app, client, world):
    _cache(app).clear()
    url = f"/embed/cpts/{world.slugs['sud']}"
    _, fr, _ = _widget(client, url)
    resp = client.get(url, headers={"Accept-Language": "en"})
    english = resp.get_data(as_text=True)
    assert len(_cache(app)) == 2
    assert 'lang="fr"' in fr and 'lang="en"' in english


def test_every_table_is_versioned_or_declared_unversioned(session):
    from mapper.services.dataversion import UNVERSIONED

    tables = set(session.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    triggered = set(session.execute(text(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = c.relname || '_data_version' AND NOT t.tgisinternal")).scalars())
    assert not triggered & UNVERSIONED
    assert tables - UNVERSIONED == triggered, "classify the new tables: versioned or not"


def test_public_maps_are_stored_for_anonymous_visitors_only(app, client, session, world,
                                                            sign_in):
    _cache(app).clear()
    url = "/map/territories?departement=75"
    first = client.get(url)
    assert first.status_code == 200 and len(_cache(app)) == 1
    second = client.get(url)
    assert second.get_data(as_text=True).replace(_nonce(second), "N") == \
        first.get_data(as_text=True).replace(_nonce(first), "N")
    assert client.get("/map/coverage?departement=75").status_code == 200
    assert len(_cache(app)) == 2
    session.execute(text("UPDATE cpts SET name = 'CPTS Sud Renommée' WHERE id = :id"),
                    {"id": world.cpts["sud"]})
    assert "CPTS Sud Renommée" in client.get(url).get_data(as_text=True)
    assert len(_cache(app)) == 3  # the new version's page; the old ones age out
    sign_in("ars", regions=["11"])
    signed = client.get(url)
    assert signed.status_code == 200 and "Déconnexion" in signed.get_data(as_text=True)
    assert len(_cache(app)) == 3  # a signed-in page is never stored
    assert "Déconnexion" not in client.__class__(app).get(url).get_data(as_text=True)
    assert client.get("/map/territories?region=ZZ").status_code in (400, 422)
    assert len(_cache(app)) == 3


def test_the_cpts_map_page_is_stored_for_anonymous_visitors_only(app, client, session, world,
                                                                 sign_in):
    _cache(app).clear()
    url = f"/map/cpts/{world.slugs['sud']}"
    first = client.get(url)
    assert first.status_code == 200 and len(_cache(app)) == 1
    second = client.get(url)
    assert second.get_data(as_text=True).replace(_nonce(second), "N") == \
        first.get_data(as_text=True).replace(_nonce(first), "N")
    assert "Anaïs Martin" in first.get_data(as_text=True)
    session.execute(text("UPDATE professional SET last_name = 'Martin-Roux' WHERE id = :id"),
                    {"id": world.pros["nurse"]})
    assert "Anaïs Martin-Roux" in client.get(url).get_data(as_text=True)
    assert client.get(f"{url}?page=0").status_code in (400, 422)
    assert len(_cache(app)) == 2  # a page with an error is never stored
    sign_in("ars", regions=["11"])
    assert "Déconnexion" in client.get(url).get_data(as_text=True)
    assert len(_cache(app)) == 2  # a signed-in page is never stored


def test_the_territories_and_coverage_maps_outlive_the_minute_the_widget_does_not(
        app, client, world, monkeypatch):
    """The territories and coverage maps show nothing of the clock: one build (and one ETag)
    per data version. The widget shows « ouvert maintenant »: a new minute, a new page."""
    from mapper.http import conditional

    _cache(app).clear()
    now = [1_800_000_000.0]
    monkeypatch.setattr(conditional, "_now", lambda: now[0])
    maps = ["/map/territories?departement=75", "/map/coverage?departement=75"]
    widget = f"/embed/cpts/{world.slugs['sud']}"
    tags = {u: client.get(u).headers["ETag"] for u in maps + [widget]}
    assert len(_cache(app)) == 3
    now[0] += 3 * conditional.CLOCK_STEP
    for url in maps:
        again = client.get(url, headers={"If-None-Match": tags[url]})
        assert again.status_code == 304, url
        assert client.get(url).headers["ETag"] == tags[url]
    assert len(_cache(app)) == 3  # the maps' pages served from the cache, not built again
    moved = client.get(widget, headers={"If-None-Match": tags[widget]})
    assert moved.status_code == 200 and moved.headers["ETag"] != tags[widget]
    assert len(_cache(app)) == 4  # the widget's page of the new minute
