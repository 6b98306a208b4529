"""Conditional public reads (``mapper.http.conditional``): a strong ETag known before the view
runs, 304 on ``If-None-Match`` without building the body, ``Cache-Control`` public for anonymous
reads and ``private, no-store`` for signed-in pages; the ETag changes exactly when the data shown
changes — a write through the API, or one committed by another connection."""
from __future__ import annotations

import gzip
import time

import brotli
import pytest
from sqlalchemy import create_engine, text

from mapper import create_app
from mapper.db import get_db
from tests.support import make_settings
from tests.web.conftest import seed

GEOJSON = "/api/v1/communes?departement=75"


def _get(client, url, **headers):
    return client.get(url, headers=headers)


def _minute() -> int:
    return int(time.time() // 60)


def test_public_reads_carry_a_strong_etag_and_public_cache_control(client, world):
    slug = world.slugs["sud"]
    for url in (f"/embed/cpts/{slug}", f"/map/cpts/{slug}", GEOJSON, "/api/v1/cpts",
                "/ogc/collections/communes/items", "/ogc/collections",
                "/fhir/Practitioner", f"/api/v1/cpts/{slug}"):
        resp = _get(client, url)
        assert resp.status_code == 200, (url, resp.status_code)
        etag, weak = resp.get_etag()
        assert etag and weak == ("/items" in url), url  # OGC items: their timeStamp moves
        assert resp.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
        assert {"Accept-Encoding", "Accept-Language", "Cookie"} <= set(resp.vary), url


def test_if_none_match_answers_304_without_body_or_csp(client, world):
    url = f"/embed/cpts/{world.slugs['sud']}"
    for _ in range(3):  # across a minute boundary the widget's tag moves: try again
        minute = _minute()
        first = _get(client, url)
        tag = first.headers["ETag"]
        again = _get(client, url, **{"If-None-Match": tag})
        if _minute() == minute:
            break
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag
    assert "Content-Security-Policy" not in again.headers
    assert "Content-Type" not in again.headers
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert set(again.vary) == set(first.vary)


def test_weak_star_and_lists_in_if_none_match(client, world):
    tag = _get(client, GEOJSON).headers["ETag"]
    bare = tag.strip('"')
    assert _get(client, GEOJSON, **{"If-None-Match": f"W/{tag}"}).status_code == 304
    assert _get(client, GEOJSON, **{"If-None-Match": f'"x", {tag}'}).status_code == 304
    assert _get(client, GEOJSON, **{"If-None-Match": "*"}).status_code == 304
    assert _get(client, GEOJSON, **{"If-None-Match": '"other"'}).status_code == 200
    assert _get(client, GEOJSON, **{"If-None-Match": 'W/"other"'}).status_code == 200
    assert _get(client, GEOJSON, **{"If-None-Match": f'"{bare}:gzip"'}).status_code == 304
    # a write is never conditional here: no 304 for a POST
    assert client.post(GEOJSON, headers={"If-None-Match": "*"}).status_code != 304


def test_etag_changes_with_the_data_and_not_otherwise(client, session, world, accounts):
    tag = _get(client, GEOJSON).headers["ETag"]
    assert _get(client, GEOJSON).headers["ETag"] == tag
    assert _get(client, "/api/v1/communes?departement=76").headers["ETag"] != tag
    assert _get(client, GEOJSON, **{"Accept-Encoding": "br"}).headers["ETag"] != tag
    # a write that changes nothing public (an account) keeps the tag
    accounts("admin")
    assert _get(client, GEOJSON).headers["ETag"] == tag
    # a write through the API
    _, token = accounts("admin")
    resp = client.patch(f"/api/v1/cpts/{world.slugs['est']}", json={"name": "CPTS Est bis"},
                        headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    after = _get(client, GEOJSON, **{"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag
    assert _get(client, GEOJSON, **{"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_compression_is_negotiated_and_tagged(client, world):
    url = "/api/v1/cpts"
    plain = _get(client, url, **{"Accept-Encoding": "identity"})
    br = _get(client, url, **{"Accept-Encoding": "gzip, br"})
    gz = _get(client, url, **{"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert br.headers["Content-Encoding"] == "br" and gz.headers["Content-Encoding"] == "gzip"
    assert brotli.decompress(br.data) == plain.data == gzip.decompress(gz.data)
    tags = {plain.headers["ETag"], br.headers["ETag"], gz.headers["ETag"]}
    assert len(tags) == 3 and br.headers["ETag"].endswith(':br"')
    assert br.mimetype == "application/geo+json"
    fhir = _get(client, "/fhir/Practitioner", **{"Accept-Encoding": "gzip"})
    assert fhir.mimetype == "application/fhir+json" and fhir.headers["Content-Encoding"] == "gzip"
    assert b"Bundle" in gzip.decompress(fhir.data)
    q = _get(client, url, **{"Accept-Encoding": "gzip;q=0.5, br;q=0"})
    assert q.headers["Content-Encoding"] == "gzip"
    for resp, encoding in ((br, "gzip, br"), (gz, "gzip")):
        again = _get(client, url, **{"Accept-Encoding": encoding,
                                     "If-None-Match": resp.headers["ETag"]})
        assert again.status_code == 304 and again.headers["ETag"] == resp.headers["ETag"]


def test_signed_in_pages_bearer_reads_and_personal_searches_are_not_public(
        client, world, sign_in, accounts):
    slug = world.slugs["sud"]
    _, token = accounts("admin")
    api = _get(client, GEOJSON, Authorization=f"Bearer {token}")
    assert "ETag" not in api.headers and "public" not in api.headers.get("Cache-Control", "")
    near = _get(client, f"/embed/cpts/{slug}?lat=48.83&lon=2.32")
    assert "ETag" not in near.headers
    assert _get(client, "/api/v1/health").headers.get("ETag") is None
    sign_in("admin")
    for url in (f"/map/cpts/{slug}", "/recherche", f"/cpts/{slug}"):
        resp = _get(client, url, **{"If-None-Match": "*"})
        assert resp.status_code == 200 and "ETag" not in resp.headers, url
        assert resp.headers["Cache-Control"] == "private, no-store", url
        assert "Cookie" in resp.vary


@pytest.fixture(scope="module")
def committed(database_factory, tmp_path_factory):
    """An application on a database of its own, with data committed for real."""
    url = database_factory("cond")
    app = create_app(make_settings(url))
    with get_db(app).session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("cond"))
    yield app, url, world
    get_db(app).engine.dispose()


def test_a_write_committed_by_another_connection_changes_the_tag(committed):
    app, url, world = committed
    client = app.test_client()
    widget = f"/embed/cpts/{world.slugs['sud']}"
    urls = [GEOJSON, "/ogc/collections/cpts/items", widget]
    for _ in range(3):
        minute = _minute()
        before = {u: client.get(u).headers["ETag"] for u in urls}
        same = {u: client.get(u, headers={"If-None-Match": before[u]}).status_code for u in urls}
        if _minute() == minute:
            break
    assert set(same.values()) == {304}
    other = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with other.begin() as conn:  # another process's connection, committed
        conn.execute(text("UPDATE professional SET last_name = 'Martin-Roux' WHERE id = :id"),
                     {"id": world.pros["nurse"]})
    other.dispose()
    after = {u: client.get(u, headers={"If-None-Match": before[u]}) for u in urls}
    assert all(r.status_code == 200 for r in after.values())
    assert "Martin-Roux" in after[widget].get_data(as_text=True)
    assert all(after[u].headers["ETag"] != before[u] for u in urls)


def test_each_language_has_its_tag(client, world):
    url = f"/embed/cpts/{world.slugs['sud']}"
    minute = _minute()
    fr = _get(client, url, **{"Accept-Language": "fr"})
    en = _get(client, url, **{"Accept-Language": "en"})
    if _minute() != minute:
        pytest.skip("a minute boundary between the two pages")
    if 'lang="en"' not in en.get_data(as_text=True):
        pytest.skip("no compiled English catalogue (make)")
    assert fr.headers["ETag"] != en.headers["ETag"]
    again = _get(client, url, **{"Accept-Language": "en", "If-None-Match": fr.headers["ETag"]})
    assert again.status_code == 200 and 'lang="en"' in again.get_data(as_text=True)
