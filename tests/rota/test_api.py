"""The rota over HTTP: the role matrix of the API and of the planning page, problem+json with
named fields and nothing written, CSV export then import (nothing changes), a bad file refused
whole, and the `mapper import shifts` command."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from mapper.models import AuditEvent, Shift
from mapper.services.directory import rota
from tests.support import assert_problem, bearer

DAY = "2026-03-10"


@pytest.fixture()
def tokens(rw, accounts):
    """Bearer tokens by role key."""
    region = rw.sud.region
    out = {}
    for key, role, scope in (
            ("admin", "admin", {}), ("coordinator", "coordinator", {"cpts_id": rw.sud.id}),
            ("other_coordinator", "coordinator", {"cpts_id": rw.est.id}),
            ("ars_in", "ars", {"regions": [region]}), ("ars_out", "ars", {"regions": ["93"]}),
            ("member", "professional", {"professional_id": rw.pros["pharmacist"]}),
            ("outsider", "professional", {"professional_id": rw.pros["outsider"]})):
        out[key] = accounts(role, **scope)[1]
    return out


def new(rw, **over):
    return {"professional": rw.pros["gp"], "date": DAY, "start": "14:00", "end": "20:00",
            "free_places": 2, **over}


VIEW = {None: 401, "admin": 200, "coordinator": 200, "other_coordinator": 403, "ars_in": 200,
        "ars_out": 403, "member": 200, "outsider": 403}
MANAGE = {None: 401, "admin": 201, "coordinator": 201, "other_coordinator": 403,
          "ars_in": 403, "ars_out": 403, "member": 403, "outsider": 403}


@pytest.mark.parametrize("who", list(VIEW))
def test_api_role_matrix(client, rw, tokens, who):
    headers = bearer(tokens[who]) if who else {}
    url = f"/api/v1/cpts/{rw.sud.slug}/shifts"
    resp = client.get(url, query_string={"from": DAY, "to": DAY}, headers=headers)
    assert resp.status_code == VIEW[who], resp.get_data(as_text=True)
    if VIEW[who] != 200:
        assert_problem(resp, VIEW[who])
    resp = client.post(url, json=new(rw), headers=headers)
    assert resp.status_code == MANAGE[who], resp.get_data(as_text=True)
    csv = client.get(url + ".csv", headers=headers)
    assert csv.status_code == VIEW[who]


def test_api_write_paths(client, rw, tokens, session):
    h = bearer(tokens["coordinator"])
    url = f"/api/v1/cpts/{rw.sud.slug}/shifts"
    a = client.post(url, json=new(rw), headers=h).get_json()
    body = assert_problem(client.post(url, json=new(rw, start="19:00", end="21:00"),
                                      headers=h), 409)
    assert "start" in body["errors"]
    body = assert_problem(client.post(url, json=new(rw, end="13:00"), headers=h), 422)
    assert "end" in body["errors"]
    body = assert_problem(client.post(url, json=new(rw, professional=rw.pros["outsider"]),
                                      headers=h), 422)
    assert "professional" in body["errors"]
    b = client.post(url, json=new(rw, professional=rw.pros["nurse"], date="2026-03-11"),
                    headers=h).get_json()
    assert session.scalar(select(func.count()).select_from(Shift)) == 2
    swapped = client.post("/api/v1/shifts/swap", json={"first": a["id"], "second": b["id"]},
                          headers=h)
    assert swapped.status_code == 200
    assert swapped.get_json()["shifts"][0]["professional"]["id"] == rw.pros["nurse"]
    patched = client.patch(f"/api/v1/shifts/{a['id']}", json={"free_places": 0}, headers=h)
    assert patched.get_json()["free_places"] == 0
    listed = client.get(url, query_string={"from": DAY, "to": "2026-03-11"}, headers=h).get_json()
    assert [s["id"] for s in listed["shifts"]] == [a["id"], b["id"]]
    assert listed["gaps"] == []  # both afternoons covered
    member = bearer(tokens["member"])
    assert client.patch(f"/api/v1/shifts/{a['id']}", json={"free_places": 5},
                        headers=member).status_code == 403
    assert client.delete(f"/api/v1/shifts/{a['id']}", headers=h).status_code == 204
    gaps = client.get(url, query_string={"from": DAY, "to": DAY}, headers=h).get_json()["gaps"]
    assert gaps == [{"date": DAY, "start": "14:00", "end": "20:00",
                     "starts_at": "2026-03-10T13:00:00+00:00",
                     "ends_at": "2026-03-10T19:00:00+00:00"}]
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "shift").order_by(AuditEvent.id)).all()
    assert actions == ["shift.create", "shift.create", "shift.swap", "shift.update",
                       "shift.delete"]


def test_api_generate_and_hours(client, rw, tokens):
    h = bearer(tokens["coordinator"])
    hours = client.put(f"/api/v1/cpts/{rw.sud.slug}/oncall-hours",
                       json={"weekdays": [1, 2, 3], "start": "15:00", "end": "19:00"}, headers=h)
    assert hours.get_json() == {"weekdays": [1, 2, 3], "start": "15:00", "end": "19:00",
                                "default": False}
    assert_problem(client.put(f"/api/v1/cpts/{rw.sud.slug}/oncall-hours", json={
        "weekdays": [1], "start": "19:00", "end": "15:00"}, headers=h), 422)
    spec = {"from": "2026-05-11", "to": "2026-05-17", "professionals": rw.rotation,
            "template": [{"weekdays": [1, 2, 3, 4, 5], "start": "14:00", "end": "20:00",
                          "free_places": 2}]}
    out = client.post(f"/api/v1/cpts/{rw.sud.slug}/shifts/generate", json=spec, headers=h)
    assert out.status_code == 200 and out.get_json()["created"] == 4  # Ascension skipped
    body = assert_problem(client.post(f"/api/v1/cpts/{rw.sud.slug}/shifts/generate", json={
        **spec, "professionals": [rw.pros["outsider"]]}, headers=h), 422)
    assert "professionals.0" in body["errors"]
    assert client.post(f"/api/v1/cpts/{rw.sud.slug}/shifts/generate", json=spec,
                       headers=bearer(tokens["ars_in"])).status_code == 403


def test_csv_round_trip_and_bad_file(client, rw, tokens, session, coordinator):
    for key, day in (("gp", date(2026, 3, 10)), ("nurse", date(2026, 3, 11))):
        rota.create_shift(session, coordinator, rw.sud, {
            "professional": rw.pros[key], "date": day, "start": time(14), "end": time(20),
            "free_places": 1, "note": "porte B"})
    session.commit()
    h = bearer(tokens["coordinator"])
    url = f"/api/v1/cpts/{rw.sud.slug}/shifts.csv"
    exported = client.get(url, query_string={"from": "2026-03-09", "to": "2026-03-15"},
                          headers=h)
    assert exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("id;date;start;end;")
    again = client.post(url, data=text.encode(), headers={**h, "Content-Type": "text/csv"})
    assert again.get_json() == {"created": 0, "updated": 0, "unchanged": 2}
    bad = ("date;start;end;rpps;free_places\n"
           "2026-03-12;14:00;20:00;10000000003;2\n"
           "2026-03-13;20:00;14:00;10000000003;2\n"
           "2026-03-14;14:00;20:00;99999999999;2\n")
    body = assert_problem(client.post(url, data=bad.encode(), headers=h), 422)
    assert set(body["errors"]) == {"line 3", "line 4"}
    assert session.scalar(select(func.count()).select_from(Shift)) == 2  # line 2 not kept
    good = bad.splitlines()[0] + "\n" + bad.splitlines()[1] + "\n"
    assert client.post(url, data=good.encode(), headers=h).get_json()["created"] == 1


def test_cli_import_and_export_shifts(tmp_path, monkeypatch, fresh_database):
    from click.testing import CliRunner

    from mapper.cli import main
    from mapper.db import Database
    from tests.rota.conftest import build

    with Database(fresh_database, 60_000).session_scope() as session:
        world = build(session, tmp_path)
    monkeypatch.setenv("MAPPER_DATABASE_URL", fresh_database)
    path = tmp_path / "astreintes.csv"
    path.write_text("date;start;end;rpps;free_places;note\n"
                    "2026-03-12;14:00;20:00;10000000003;2;\n", encoding="utf-8")
    args = ["import", "shifts", "--cpts", world.sud.slug, str(path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "created: 1" in result.output, result.output
    result = CliRunner().invoke(main, args)
    assert "unchanged: 1" in result.output, result.output
    path.write_text("date;start;end;rpps\n2026-03-12;14:00;20:00;10000000007\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "line 2" in result.output, result.output
    result = CliRunner().invoke(main, ["export", "shifts", "--cpts", world.sud.slug,
                                       "--from", "2026-03-09", "--to", "2026-03-15"])
    assert result.exit_code == 0 and "2026-03-12;14:00;20:00;non;10000000003" in result.output
