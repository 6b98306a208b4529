"""The last free place, reserved by 20 pharmacists at the same instant over real HTTP, is taken
exactly once — round after round — and free places never go below zero, also when the holder
presses −1 while pharmacists reserve."""
from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from mapper import create_app
from mapper.db import get_db
from mapper.models import Shift, ShiftReservation
from mapper.services.accounts import create_account
from tests.factories.shifts import current_shift
from tests.factories.world import WorldBuilder
from tests.support import make_settings

from .conftest import seed

ROUNDS = 15
PHARMACISTS = 20


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    url = database_factory("oncall_race")
    app = create_app(make_settings(url))
    db = get_db(app)
    with db.session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("race"))
        builder = WorldBuilder(session, make_settings(url), tmp_path_factory.mktemp("pros"))
        tokens = []
        for k in range(PHARMACISTS):
            pid = builder.professional(first_name="Pharma", last_name=f"Cien{k}",
                                       profession="21", site=(48.83 + k / 1000, 2.32),
                                       address=f"{k} rue des Officines",
                                       cpts=[world.cpts["sud"]])
            tokens.append(create_account(session, email=f"pharma{k}@example.org",
                                         role="professional", professional_id=pid,
                                         actor="test")[1])
        holder = create_account(session, email="holder@example.org", role="professional",
                                professional_id=world.pros["nurse"], actor="test")[1]
        shift_id = current_shift(session, world.cpts["sud"], world.pros["nurse"]).id
    server = live_server_factory(app)
    return {"url": server.url, "db": db, "tokens": tokens, "holder": holder,
            "shift": shift_id}


def _post(url: str, path: str, token: str, body: dict) -> tuple[int, dict]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("POST", path, body=json.dumps(body),
                     headers={"Authorization": f"Bearer {token}",
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _at_once(calls) -> list[tuple[int, dict]]:
    """Run every ``(url, path, token, body)`` in its own thread, released together."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(k: int) -> None:
        barrier.wait()
        results[k] = _post(*calls[k])

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def _state(db, shift_id: int) -> tuple[int, int]:
    with db.session_scope() as session:
        places = session.scalar(select(Shift.free_places).where(Shift.id == shift_id))
        taken = session.scalar(select(func.count()).select_from(ShiftReservation)
                               .where(ShiftReservation.shift_id == shift_id))
    return places, taken


def _set_places(site, n: int) -> None:
    status, _ = _post(site["url"], f"/api/v1/shifts/{site['shift']}/free-places",
                      site["holder"], {"action": "set", "value": n})
    assert status == 200


def test_the_last_place_is_taken_exactly_once_round_after_round(site):
    path = f"/api/v1/shifts/{site['shift']}/reservations"
    for round_ in range(ROUNDS):
        _set_places(site, 1)
        _, taken_before = _state(site["db"], site["shift"])
        results = _at_once([(site["url"], path, token, {"note": f"tour {round_}"})
                            for token in site["tokens"]])
        statuses = sorted(status for status, _ in results)
        assert statuses == [201] + [409] * (PHARMACISTS - 1), (round_, statuses)
        assert all("Plus de place libre" in body["detail"]
                   for status, body in results if status == 409)
        places, taken = _state(site["db"], site["shift"])
        assert places == 0 and taken == taken_before + 1, round_


def test_three_places_three_winners_and_the_holder_racing_them(site):
    path = f"/api/v1/shifts/{site['shift']}/reservations"
    _set_places(site, 3)
    results = _at_once([(site["url"], path, token, {}) for token in site["tokens"]])
    assert sorted(s for s, _ in results).count(201) == 3
    assert _state(site["db"], site["shift"])[0] == 0
    # five places; ten pharmacists reserve while the holder presses −1 ten times
    _set_places(site, 5)
    minus = f"/api/v1/shifts/{site['shift']}/free-places"
    calls = [(site["url"], path, token, {}) for token in site["tokens"][:10]]
    calls += [(site["url"], minus, site["holder"], {"action": "decrement"})] * 10
    results = _at_once(calls)
    assert sum(status in (200, 201) for status, _ in results) == 5
    assert sum(status == 409 for status, _ in results) == 15
    assert _state(site["db"], site["shift"])[0] == 0
