"""Geocoding on write, in batch and for search addresses, against the local BAN stand-in
(geopy's BANFrance and the /search/csv client pointed at it): cache, score threshold, fallback."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from mapper.geocoding import BanClient, TokenBucket
from mapper.imports.rpps import import_rpps_file
from mapper.services.geocoding import geocode_missing
from mapper.services.directory import create_professional
from tests.factories.rpps_files import rpps_record, write_rpps_file
from tests.standins import BanEntry, BanStandIn
from tests.support import bearer, make_settings

PAIX = BanEntry(lon=2.3215, lat=48.8312, type="housenumber", score=0.93, postcode="75014",
                citycode="75002", city="Paris", housenumber="12", street="Rue de la Paix")
VAGUE = BanEntry(lon=2.33, lat=48.83, type="street", score=0.31, postcode="75014",
                 citycode="75002", city="Paris", street="Rue Vague")


@pytest.fixture()
def ban():
    with BanStandIn({"12 rue de la Paix": PAIX, "3 rue Vague": VAGUE,
                     "12 bis rue de la Paix": PAIX, "3 rue Daguerre": PAIX}) as server:
        yield server


@pytest.fixture()
def client_ban(ban):
    return BanClient(ban.base_url, timeout=2, limiter=TokenBucket(1000, burst=1000))


@pytest.fixture()
def settings(database_url, ban):
    return make_settings(database_url, ban_base_url=ban.base_url, ban_min_score=0.5)


def body(address, **kw):
    data = {"last_name": "Test", "profession": "60",
            "sites": [{"address": address, "postcode": "75014", "commune": "75002"}]}
    data.update(kw)
    return data


def site_row(session, pid):
    return session.execute(text(
        "SELECT geocode_status, geocode_source, precision, round(ST_Y(geom)::numeric, 4)::float, "
        "round(ST_X(geom)::numeric, 4)::float, geocode_score FROM practice_site "
        "WHERE professional_id = :p"), {"p": pid}).one()


def test_write_geocodes_once_then_uses_the_cache(session, communes, settings, client_ban, ban):
    first = create_professional(session, body("12 rue de la Paix"), None, settings, client=client_ban)
    assert site_row(session, first["id"])[:5] == ("ok", "ban", "address", 48.8312, 2.3215)
    # Same address spelled differently: the normalised cache key hits, no new request.
    second = create_professional(session, body("12, RUE de la paix "), None, settings,
                                 client=client_ban)
    assert site_row(session, second["id"])[:3] == ("ok", "ban", "address")
    assert len(ban.search_requests()) == 1
    assert ban.search_requests()[0].query["postcode"] == ["75014"]


def test_low_score_falls_back_to_the_commune_point(session, communes, settings, client_ban):
    out = create_professional(session, body("3 rue Vague"), None, settings, client=client_ban)
    status, source, precision, lat, lon, score = site_row(session, out["id"])
    assert (status, source, precision, score) == ("low_score", "commune", "commune_centroid", None)
    # ST_PointOnSurface of 75002 (2.30–2.35 × 48.80–48.85)
    assert 2.30 <= lon <= 2.35 and 48.80 <= lat <= 48.85


def test_not_found_is_cached_too(session, communes, settings, client_ban, ban):
    for _ in range(2):
        out = create_professional(session, body("99 avenue Introuvable"), None, settings,
                                  client=client_ban)
        assert site_row(session, out["id"])[:3] == ("not_found", "commune", "commune_centroid")
    assert len(ban.search_requests()) == 1


def test_unreachable_ban_falls_back_and_batch_retries_later(session, communes, settings, ban):
    dead = BanClient("http://127.0.0.1:9/geocodage", timeout=1, limiter=TokenBucket(1000, 1000))
    out = create_professional(session, body("12 rue de la Paix"), None, settings, client=dead)
    assert site_row(session, out["id"])[:3] == ("unavailable", "commune", "commune_centroid")
    assert session.execute(text("SELECT count(*) FROM geocode_cache")).scalar() == 0
    live = BanClient(ban.base_url, timeout=2, limiter=TokenBucket(1000, burst=1000))
    counts = geocode_missing(session, live, 0.5)
    assert counts["sent"] == 1 and counts["placed_from_cache"] == 1
    assert site_row(session, out["id"])[:3] == ("ok", "ban", "address")


def test_batch_geocodes_rpps_sites_through_search_csv_in_chunks(session, communes, client_ban, ban,
                                                                tmp_path):
    records = [rpps_record(pp_id=f"1000000000{i}", commune_code="75002") for i in range(3)]
    records.append(rpps_record(pp_id="10000000009", street_number="3", street_name="Daguerre",
                               repetition_index="", commune_code="75002"))
    records.append(rpps_record(pp_id="10000000008", street_number="7", street_name="Inconnue",
                               repetition_index="", commune_code="75002"))
    import_rpps_file(session, write_rpps_file(tmp_path / "r.txt", records))
    statuses = session.execute(text("SELECT geocode_status, precision FROM practice_site")).all()
    # Before geocoding: pending, without a point (never piled on the town hall).
    assert set(statuses) == {("pending", None)}
    counts = geocode_missing(session, client_ban, 0.5, chunk_size=2)
    # Three distinct addresses (the three identical ones are sent once), in chunks of two.
    assert counts["addresses"] == 3 and counts["sent"] == 3
    assert [r.info["rows"] for r in ban.csv_requests()] == [2, 1]
    assert not ban.search_requests()
    rows = dict(session.execute(text(
        "SELECT p.rpps, s.geocode_status FROM practice_site s JOIN professional p "
        "ON p.id = s.professional_id")).all())
    assert rows == {"10000000000": "ok", "10000000001": "ok", "10000000002": "ok",
                    "10000000009": "ok", "10000000008": "not_found"}
    # Nothing left: a second run sends nothing.
    assert geocode_missing(session, client_ban, 0.5)["sent"] == 0
    assert len(ban.csv_requests()) == 2


def test_batch_stops_cleanly_when_the_ban_fails(session, communes, client_ban, ban, tmp_path):
    import_rpps_file(session, write_rpps_file(tmp_path / "r.txt", [rpps_record(commune_code="75002")]))
    ban.fail_with(503)
    fast = BanClient(ban.base_url, timeout=2, retries=0, limiter=TokenBucket(1000, burst=1000))
    counts = geocode_missing(session, fast, 0.5)
    assert counts["unavailable"] == 1 and "error" in counts
    assert session.execute(text("SELECT geocode_status, precision FROM practice_site")).one() == (
        "unavailable", "commune_centroid")


def test_search_by_address_geocodes_through_the_cache(app, client, session, communes, ban,
                                                      accounts, monkeypatch):
    from mapper.config import get_settings

    ban.add("12 rue de la Paix 75014", PAIX)
    monkeypatch.setitem(app.extensions, "mapper.settings",
                        get_settings(app).replace(ban_base_url=ban.base_url))
    _, admin = accounts("admin")
    client.post("/api/v1/professionals", headers=bearer(admin), json={
        "last_name": "Près", "profession": "60",
        "sites": [{"address": "1 rue Proche", "commune": "75002", "lat": 48.832, "lon": 2.322}]})
    for _ in range(2):
        resp = client.get("/api/v1/professionals/search?address=12 rue de la Paix 75014")
        assert resp.status_code == 200, resp.get_data(as_text=True)
        (result,) = resp.get_json()["results"]
        assert result["last_name"] == "Près" and result["distance_km"] < 0.2
    assert len(ban.search_requests()) == 1
    missing = client.get("/api/v1/professionals/search?address=nulle part du tout")
    assert missing.status_code == 422
    ban.stop()
    down = client.get("/api/v1/professionals/search?address=autre adresse inconnue")
    assert down.status_code == 503 and down.mimetype == "application/problem+json"


def test_page_views_never_geocode(client, session, communes, settings, client_ban, ban):
    out = create_professional(session, body("12 rue de la Paix"), None, settings, client=client_ban)
    session.commit()
    before = len(ban.requests)
    for path in (f"/api/v1/professionals/{out['id']}", "/api/v1/professionals/search?near=48.83,2.32",
                 f"/api/v1/professionals/{out['id']}/zones"):
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.get_data(as_text=True))
    assert len(ban.requests) == before


def test_cli_geocode_missing(session, communes, ban, tmp_path, monkeypatch, fresh_database):
    from mapper.cli import main

    monkeypatch.setenv("MAPPER_DATABASE_URL", fresh_database)
    monkeypatch.setenv("MAPPER_BAN_URL", ban.base_url)
    path = write_rpps_file(tmp_path / "r.txt", [rpps_record()])
    assert CliRunner().invoke(main, ["import", "rpps", str(path)]).exit_code == 0
    result = CliRunner().invoke(main, ["geocode", "--missing"])
    assert result.exit_code == 0, result.output
    assert "sent: 1" in result.output and "placed_from_cache: 1" in result.output
