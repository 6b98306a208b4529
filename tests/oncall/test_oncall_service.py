"""« Now and later today », reservations and free places, in the service layer with a fixed
clock (Europe/Paris wall-clock shifts written through the factory)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from mapper.auth.principal import Principal
from mapper.errors import Conflict, Forbidden, Unauthorized, ValidationFailed
from mapper.models import AuditEvent, Shift, ShiftReservation
from mapper.schemas.base import load
from mapper.schemas.oncall import FreePlacesSchema, ReservationSchema
from mapper.services.directory.calendar import local_instant
from mapper.services.directory.oncall import (end_of_local_day, my_next_shifts, oncall_today,
                                              rota_cpts_for)
from mapper.services.directory.oncall_places import change_free_places, reserve_place
from tests.factories.shifts import make_shift

DAY = date(2026, 12, 2)
NOW = local_instant(DAY, time(14, 30))  # 14:30 in Paris (13:30 UTC)


def who(world, name: str) -> Principal:
    roles = {"pharmacist": Principal(account_id=None, email="pharma@example.org",
                                     role="professional",
                                     professional_id=world.pros["pharmacist"]),
             "nurse": Principal(email="nurse@example.org", role="professional",
                                professional_id=world.pros["nurse"]),
             "doctor": Principal(email="doctor@example.org", role="professional",
                                 professional_id=world.pros["doctor"]),
             "coordinator": Principal(email="coord@example.org", role="coordinator",
                                      cpts_id=world.cpts["sud"]),
             "other": Principal(email="other@example.org", role="professional",
                                professional_id=world.pros["other"]),
             "ars": Principal(email="ars@example.org", role="ars", regions=frozenset({"11"}))}
    return roles[name]


@pytest.fixture()
def rota(session, world):
    sud, p = world.cpts["sud"], world.pros
    s = {
        "nurse_now": make_shift(session, sud, p["nurse"], DAY, time(14), time(20), free_places=2),
        "physio_later": make_shift(session, sud, p["physio"], DAY, time(18), time(20)),
        "doctor_now": make_shift(session, sud, p["doctor"], DAY, time(14), time(20),
                                 free_places=1),
        "doctor_morning": make_shift(session, sud, p["doctor"], DAY, time(8), time(12),
                                     free_places=3),
        "nurse_night": make_shift(session, sud, p["nurse"], DAY, time(22), time(2),
                                  free_places=1),
        "physio_tomorrow": make_shift(session, sud, p["physio"], date(2026, 12, 3), time(0, 30),
                                      time(8), free_places=4),
        "other_cpts": make_shift(session, world.cpts["est"], p["other"], DAY, time(14),
                                 time(20), free_places=5),
    }
    session.commit()
    return {k: v.id for k, v in s.items()}


def test_now_and_later_today_free_places_first_then_nearest(session, world, rota):
    board = oncall_today(session, who(world, "pharmacist"), world.cpts["sud"],
                         now=NOW)
    ids = [s["id"] for s in board["shifts"]]
    # free places first (nurse 0.3 km, nurse at night 0.3 km then later, doctor 4 km),
    # then the full physio; the morning, tomorrow's and the other CPTS's shifts are not listed
    assert ids == [rota["nurse_now"], rota["nurse_night"], rota["doctor_now"],
                   rota["physio_later"]]
    first = board["shifts"][0]
    assert first["now"] is True and board["shifts"][1]["now"] is False
    assert first["professional"]["last_name"] == "Martin"
    assert first["phone"] == "01 45 00 00 00" and first["private_phone"] == "06 11 22 33 44"
    assert first["location"]["address"] == "10 rue Daguerre"
    assert 0.2 < first["distance_km"] < 0.4
    assert board["origin"]["source"] == "own_site"
    assert board["until"] == "2026-12-02T23:00:00+00:00"


def test_a_given_point_orders_by_distance_from_it(session, world, rota):
    board = oncall_today(session, who(world, "pharmacist"), world.cpts["sud"],
                         near=(48.861, 2.361), now=NOW)
    free = [s for s in board["shifts"] if s["free_places"]]
    assert free[0]["id"] == rota["doctor_now"]
    assert board["origin"]["source"] == "given"


def test_a_coordinator_without_a_site_gets_no_distances(session, world, rota):
    board = oncall_today(session, who(world, "coordinator"),
                         world.cpts["sud"], now=NOW)
    assert board["origin"] is None
    assert all(s["distance_km"] is None for s in board["shifts"])
    assert [s["free_places"] > 0 for s in board["shifts"]] == [True, True, True, False]


def test_only_the_rota_audience_sees_it(session, world, rota):
    sud = world.cpts["sud"]
    with pytest.raises(Forbidden):
        oncall_today(session, who(world, "other"), sud, now=NOW)
    with pytest.raises(Unauthorized):
        oncall_today(session, Principal(), sud, now=NOW)
    assert oncall_today(session, who(world, "ars"), sud, now=NOW)["count"] == 4


def test_end_of_the_local_day_across_dst():
    # spring forward: 29 March 2026, midnight after is CEST (UTC+2)
    assert end_of_local_day(datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)) == \
        datetime(2026, 3, 29, 22, 0, tzinfo=timezone.utc)
    # fall back: 25 October 2026, midnight after is CET (UTC+1)
    assert end_of_local_day(datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)) == \
        datetime(2026, 10, 25, 23, 0, tzinfo=timezone.utc)


def test_reserve_takes_one_place_records_who_and_audits(session, world, rota):
    sid = rota["doctor_now"]
    out = reserve_place(session, who(world, "pharmacist"), sid, "entorse, vers 15 h", now=NOW)
    session.commit()
    assert out["free_places"] == 0
    reservation = session.get(ShiftReservation, out["id"])
    assert reservation.professional_id == world.pros["pharmacist"]
    assert reservation.note == "entorse, vers 15 h"
    shift = session.get(Shift, sid)
    session.refresh(shift)
    assert shift.free_places == 0 and shift.updated_by == "pharma@example.org"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "shift.reserve",
                                                     AuditEvent.entity_id == str(sid))).one()
    assert event.before == {"free_places": 1} and event.after["free_places"] == 0
    with pytest.raises(Conflict, match="Plus de place libre"):
        reserve_place(session, who(world, "pharmacist"), sid, now=NOW)
    session.rollback()
    assert session.scalar(select(Shift.free_places).where(Shift.id == sid)) == 0


def test_a_finished_shift_cannot_be_reserved(session, world, rota):
    with pytest.raises(Conflict, match="terminée"):
        reserve_place(session, who(world, "pharmacist"), rota["doctor_morning"], now=NOW)


def test_an_ars_officer_sees_but_never_books(session, world, rota):
    with pytest.raises(Forbidden):
        reserve_place(session, who(world, "ars"), rota["nurse_now"], now=NOW)


def test_the_holder_changes_free_places(session, world, rota):
    sid, nurse = rota["nurse_now"], who(world, "nurse")
    assert change_free_places(session, nurse, sid, "decrement", now=NOW)["free_places"] == 1
    assert change_free_places(session, nurse, sid, "increment", now=NOW)["free_places"] == 2
    assert change_free_places(session, nurse, sid, "set", 7, now=NOW)["free_places"] == 7
    assert change_free_places(session, nurse, sid, "full", now=NOW)["free_places"] == 0
    session.commit()
    with pytest.raises(Conflict, match="Déjà complet"):
        change_free_places(session, nurse, sid, "decrement", now=NOW)
    session.rollback()
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "shift.free_places").order_by(AuditEvent.id)).all()
    assert [(e.before["free_places"], e.after["free_places"]) for e in events] == \
        [(2, 1), (1, 2), (2, 7), (7, 0)]


def test_only_holder_coordinator_or_admin_change_free_places(session, world, rota):
    sid = rota["nurse_now"]
    for name in ("doctor", "pharmacist", "ars"):
        with pytest.raises(Forbidden):
            change_free_places(session, who(world, name), sid, "increment", now=NOW)
    assert change_free_places(session, who(world, "coordinator"), sid, "increment",
                              now=NOW)["free_places"] == 3
    with pytest.raises(Conflict, match="terminée"):
        change_free_places(session, who(world, "doctor"), rota["doctor_morning"], "full",
                           now=NOW)


def test_my_next_shifts_with_their_reservations(session, world, rota):
    reserve_place(session, who(world, "pharmacist"), rota["nurse_now"], "plaie", now=NOW)
    mine = my_next_shifts(session, world.pros["nurse"], now=NOW)
    assert [s["id"] for s in mine] == [rota["nurse_now"], rota["nurse_night"]]
    assert mine[0]["reservations"][0]["reserved_by"] == "Paul Pharma"
    assert mine[0]["reservations"][0]["note"] == "plaie"


def test_the_cpts_of_the_rota_by_role(session, world):
    names = lambda p: [c["name"] for c in rota_cpts_for(session, p)]  # noqa: E731
    assert names(who(world, "pharmacist")) == ["CPTS Sud"]
    assert names(who(world, "other")) == ["CPTS Est"]
    assert "CPTS Sud" in names(who(world, "ars"))
    assert names(Principal()) == []


@pytest.mark.parametrize("note", ["Mme Dupont", "patient Martin", "nom : Durand", "M. Leroy"])
def test_a_note_naming_a_patient_is_refused(note):
    with pytest.raises(ValidationFailed) as caught:
        load(ReservationSchema(), {"note": note})
    assert "nom de patient" in caught.value.errors["note"][0]


def test_free_places_inputs():
    assert load(ReservationSchema(), {"note": "entorse cheville, vers 15 h"})["note"]
    with pytest.raises(ValidationFailed) as caught:
        load(FreePlacesSchema(), {"action": "set"})
    assert "value" in caught.value.errors
    with pytest.raises(ValidationFailed):
        load(FreePlacesSchema(), {"action": "set", "value": 501})
    with pytest.raises(ValidationFailed):
        load(FreePlacesSchema(), {"action": "explode"})
