"""Shifts written through the use cases: checks that name their field and write nothing,
the exclusion constraint as a 409, assign, swap, delete, the audit trail."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from mapper.errors import Conflict, Forbidden, ValidationFailed
from mapper.models import AuditEvent, PracticeSite, Shift
from mapper.services.directory import rota

DAY = date(2026, 3, 10)


def body(rw, key="gp", **over):
    return {"professional": rw.pros[key], "date": DAY, "start": time(14), "end": time(20),
            "free_places": 3, **over}


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Shift))


def test_create_sets_instants_updated_by_and_audit(session, rw, coordinator):
    out = rota.create_shift(session, coordinator, rw.sud, body(rw, place=rw.place))
    assert out["starts_at"] == "2026-03-10T13:00:00+00:00"
    assert out["ends_at"] == "2026-03-10T19:00:00+00:00"
    assert out["where"]["name"] == "MSP du Sud" and out["free_places"] == 3
    assert out["updated_by"] == coordinator.label
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "shift.create")).one()
    assert event.entity_id == str(out["id"]) and event.after["free_places"] == 3


@pytest.mark.parametrize("over, field", [
    ({"end": time(14)}, "end"),
    ({"end": time(13)}, "end"),
    ({"professional": 999999}, "professional"),
    ({"place": 999999}, "place"),
    ({"site": 999999}, "site"),
])
def test_bad_fields_are_named_and_nothing_is_written(session, rw, coordinator, over, field):
    with pytest.raises(ValidationFailed) as caught:
        rota.create_shift(session, coordinator, rw.sud, body(rw, **over))
    assert field in caught.value.errors
    assert count(session) == 0


def test_not_a_member_site_of_another_and_place_of_another_cpts(session, rw, coordinator):
    for over, field in (({"professional": rw.pros["outsider"]}, "professional"),
                        ({"professional": rw.pros["est"]}, "professional"),
                        ({"place": rw.other_place}, "place")):
        with pytest.raises(ValidationFailed) as caught:
            rota.create_shift(session, coordinator, rw.sud, body(rw, **over))
        assert field in caught.value.errors, caught.value.errors
    nurse_site = session.scalar(select(PracticeSite.id).where(
        PracticeSite.professional_id == rw.pros["nurse"]))
    with pytest.raises(ValidationFailed) as caught:
        rota.create_shift(session, coordinator, rw.sud, body(rw, site=nurse_site))
    assert "site" in caught.value.errors
    assert count(session) == 0


def test_overlap_is_a_409_naming_start(session, rw, coordinator):
    first = rota.create_shift(session, coordinator, rw.sud, body(rw))
    with pytest.raises(Conflict) as caught:
        rota.create_shift(session, coordinator, rw.sud,
                          body(rw, start=time(19), end=time(22)))
    assert "start" in caught.value.errors and str(first["id"]) in caught.value.errors["start"][0]
    # back to back is fine; another person at the same time too
    rota.create_shift(session, coordinator, rw.sud, body(rw, start=time(20), end=time(22)))
    rota.create_shift(session, coordinator, rw.sud, body(rw, "nurse"))
    assert count(session) == 3


def test_exclusion_constraint_under_a_race_is_a_409(session, rw, coordinator):
    """What two coordinators writing at once meet: the check passed, the database refuses."""
    from mapper.services.directory.rota_checks import flush_shift, instants

    rota.create_shift(session, coordinator, rw.sud, body(rw))
    slot = instants(DAY, time(15), time(16))
    session.add(Shift(cpts_id=rw.sud.id, professional_id=rw.pros["gp"], on_date=DAY,
                      start_time=time(15), end_time=time(16), starts_at=slot.starts_at,
                      ends_at=slot.ends_at, free_places=0))
    with pytest.raises(Conflict) as caught:
        flush_shift(session)
    assert "start" in caught.value.errors
    session.rollback()


def test_overnight_needs_saying_so(session, rw, coordinator):
    out = rota.create_shift(session, coordinator, rw.sud,
                            body(rw, start=time(20), end=time(8), overnight=True))
    assert out["overnight"] and out["ends_at"] == "2026-03-11T07:00:00+00:00"


def test_update_assigns_and_checks_the_new_holder(session, rw, coordinator):
    a = rota.create_shift(session, coordinator, rw.sud, body(rw))
    rota.create_shift(session, coordinator, rw.sud, body(rw, "nurse", start=time(15),
                                                          end=time(16)))
    with pytest.raises(Conflict):
        rota.update_shift(session, coordinator, a["id"], {"professional": rw.pros["nurse"]})
    out = rota.update_shift(session, coordinator, a["id"], {"professional": rw.pros["physio"],
                                                           "free_places": 1})
    assert out["professional"]["id"] == rw.pros["physio"] and out["free_places"] == 1
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "shift.update")) == 1


def test_swap_exchanges_holders_atomically(session, rw, coordinator):
    a = rota.create_shift(session, coordinator, rw.sud, body(rw))
    b = rota.create_shift(session, coordinator, rw.sud, body(rw, "nurse", date=date(2026, 3, 11)))
    out = rota.swap_shifts(session, coordinator, a["id"], b["id"])
    assert [s["professional"]["id"] for s in out] == [rw.pros["nurse"], rw.pros["gp"]]
    # the gp now also holds 12 March: swapping it with a shift at the same time refuses whole
    c = rota.create_shift(session, coordinator, rw.sud, body(rw, "physio", date=date(2026, 3, 11),
                                                           start=time(15), end=time(21)))
    with pytest.raises(ValidationFailed):
        rota.swap_shifts(session, coordinator, b["id"], c["id"])
    d = rota.create_shift(session, coordinator, rw.sud, body(rw, "physio", date=date(2026, 3, 12)))
    rota.create_shift(session, coordinator, rw.sud, body(rw, "nurse", date=date(2026, 3, 12),
                                                       start=time(8), end=time(15)))
    with pytest.raises(Conflict):  # the nurse is busy on 12 March at 14:00
        rota.swap_shifts(session, coordinator, a["id"], d["id"])
    assert rota.shift_view(session, a["id"])["professional"]["id"] == rw.pros["nurse"]
    assert rota.shift_view(session, d["id"])["professional"]["id"] == rw.pros["physio"]


def test_delete_and_other_cpts_coordinator(session, rw, coordinator):
    from mapper.auth.principal import Principal

    a = rota.create_shift(session, coordinator, rw.sud, body(rw))
    other = Principal(account_id=None, email="x", role="coordinator", cpts_id=rw.est.id)
    with pytest.raises(Forbidden):
        rota.delete_shift(session, other, a["id"])
    with pytest.raises(Forbidden):
        rota.create_shift(session, other, rw.sud, body(rw))
    rota.delete_shift(session, coordinator, a["id"])
    assert count(session) == 0
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "shift").order_by(AuditEvent.id)).all() == [
        "shift.create", "shift.delete"]
