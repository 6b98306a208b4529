"""The read replica (issue 16): anonymous reads on a real hot standby, writes and the same
client's reads after its write on the primary, and reads on the primary when the standby lags
past the bound or is stopped. A real primary and standby (``pg_basebackup -R``, streaming
replication) started here, real ``mapper serve`` processes, real HTTP.

Which database answered is proved by the data itself: with the standby's replay paused, a
write made on the primary is not on the standby, so the old value can only come from it."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from mapper.migrate import upgrade

from .pair import destroy_pair, start_pair

from tests.web.conftest import PASSWORD, seed


@pytest.fixture(scope="module")
def pair():
    from mapper.auth.passwords import hash_password
    from mapper.db import Database
    from mapper.services.accounts import create_account

    root = Path(tempfile.mkdtemp(prefix="mapper-replica-"))
    primary, standby = start_pair(root)
    try:
        url = primary.create_database("mapper_rep")
        upgrade(url)
        db = Database(url, 60_000)
        with db.session_scope() as session:
            world = seed(session, root)
        with db.session_scope() as session:
            account, _ = create_account(session, email="coord@example.org",
                                        role="coordinator", actor="test",
                                        cpts_id=world.cpts["sud"])
            account.password_hash = hash_password(PASSWORD)
        db.engine.dispose()
        standby.make_from(primary)
        standby.start_standby()
        standby.wait_caught_up(primary)
        yield primary, standby, url, standby.url_for("mapper_rep"), world
    finally:
        destroy_pair(primary, standby)
        shutil.rmtree(root, ignore_errors=True)


def _rename(url: str, professional_id: int, name: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE professional SET last_name = :n WHERE id = :id"),
                     {"n": name, "id": professional_id})
    engine.dispose()


def _name(server, professional_id: int, http=requests) -> str:
    resp = http.get(f"{server.url}/api/v1/professionals/{professional_id}")
    assert resp.status_code == 200, resp.text
    return resp.json()["last_name"]


@pytest.fixture()
def paused(pair):
    """The standby's replay paused for the test (it still receives the WAL), then resumed."""
    primary, standby, *_ = pair
    standby.sql("SELECT pg_wal_replay_pause()")
    yield
    standby.sql("SELECT pg_wal_replay_resume()")
    standby.wait_caught_up(primary)


def test_anonymous_reads_go_to_the_standby_and_writes_to_the_primary(serve, pair, paused):
    primary, standby, url, replica_url, world = pair
    server = serve(url, MAPPER_DATABASE_REPLICA_URL=replica_url, MAPPER_REPLICA_MAX_LAG_S="600")
    nurse = world.pros["nurse"]
    assert _name(server, nurse) == "Martin"
    _rename(url, nurse, "Martin-Primaire")
    assert _name(server, nurse) == "Martin"  # the standby has not replayed it: read there
    assert "mapper-replica" in standby.sql(
        "SELECT string_agg(DISTINCT application_name, ',') FROM pg_stat_activity")
    # a write through the service (signing in opens a session): on the primary, and the
    # client's reads after it too, signed in or — after signing out — anonymous again
    http = requests.Session()
    form = http.get(server.url + "/connexion").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    resp = http.post(server.url + "/connexion", allow_redirects=False, data={
        "email": "coord@example.org", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302 and "mapper_wlsn" in http.cookies
    assert _name(server, nurse, http) == "Martin-Primaire"
    page = http.get(f"{server.url}/cpts/{world.slugs['sud']}")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert http.post(server.url + "/deconnexion", data={"csrf_token": token},
                     allow_redirects=False).status_code in (302, 303)
    assert "sid" not in http.cookies.get("session", "")  # signed out, write position kept
    assert _name(server, nurse, http) == "Martin-Primaire"
    assert _name(server, nurse) == "Martin"  # another visitor still reads the standby


def test_reads_fall_back_to_the_primary_when_the_standby_lags_past_the_bound(serve, pair,
                                                                            paused):
    primary, standby, url, replica_url, world = pair
    patient = serve(url, MAPPER_DATABASE_REPLICA_URL=replica_url,
                    MAPPER_REPLICA_MAX_LAG_S="600")
    strict = serve(url, MAPPER_DATABASE_REPLICA_URL=replica_url, MAPPER_REPLICA_MAX_LAG_S="1")
    doctor = world.pros["doctor"]
    _rename(url, doctor, "Durand-Lag")
    time.sleep(1.5)  # the standby is now more than a second behind
    assert _name(patient, doctor) == "Durand"
    assert _name(strict, doctor) == "Durand-Lag"


def test_an_address_search_and_a_bad_write_position_read_on_the_primary(serve, pair, paused):
    primary, standby, url, replica_url, world = pair
    server = serve(url, MAPPER_DATABASE_REPLICA_URL=replica_url, MAPPER_REPLICA_MAX_LAG_S="600")
    physio = world.pros["physio"]
    _rename(url, physio, "Petit-Primaire")
    assert _name(server, physio) == "Petit"
    forged = requests.get(f"{server.url}/api/v1/professionals/{physio}",
                          cookies={"mapper_wlsn": "'; DROP TABLE x"})
    assert forged.status_code == 200 and forged.json()["last_name"] == "Petit-Primaire"
    # a search by address keeps the geocoding answer (a write): on the primary, no 500
    resp = requests.get(server.url + "/recherche", params={"adresse": "12 rue de la Paix 75014 "
                                                                      "Paris"})
    assert resp.status_code == 200
    # an anonymous POST of the API reads only (writes there take a token): no write position
    check = requests.post(server.url + "/api/v1/territories/check",
                          json={"communes": ["75001", "75002"]})
    assert check.status_code == 200 and "mapper_wlsn" not in check.cookies


def test_reads_fall_back_to_the_primary_when_the_standby_is_stopped(serve, pair):
    primary, standby, url, replica_url, world = pair
    server = serve(url, MAPPER_DATABASE_REPLICA_URL=replica_url, MAPPER_REPLICA_MAX_LAG_S="600")
    nurse = world.pros["nurse"]
    _rename(url, nurse, "Martin-Seule")
    standby.wait_caught_up(primary)
    assert _name(server, nurse) == "Martin-Seule"
    standby.stop_standby()
    try:
        for _ in range(3):
            assert _name(server, nurse) == "Martin-Seule"
        assert requests.get(f"{server.url}/embed/cpts/{world.slugs['sud']}").status_code == 200
        assert any("replica unreachable" in line for line in server.lines)
    finally:
        standby.start_standby()


def test_the_standby_is_used_again_once_it_is_back(serve, pair):
    from mapper.http.replica import DOWN_FOR

    primary, standby, url, replica_url, world = pair
    server = serve(url, MAPPER_DATABASE_REPLICA_URL=replica_url, MAPPER_REPLICA_MAX_LAG_S="600")
    doctor = world.pros["doctor"]
    standby.stop_standby()
    try:
        _name(server, doctor)  # the standby is found down, left aside for DOWN_FOR seconds
    finally:
        standby.start_standby()
    standby.wait_caught_up(primary)
    time.sleep(DOWN_FOR + 0.5)
    standby.sql("SELECT pg_wal_replay_pause()")
    try:
        before = _name(server, doctor)
        _rename(url, doctor, before + "-Retour")
        assert _name(server, doctor) == before  # read on the standby again
    finally:
        standby.sql("SELECT pg_wal_replay_resume()")
        standby.wait_caught_up(primary)
