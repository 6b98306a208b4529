"""Writing the on-call rota: create, update (and so assign), delete and swap shifts — the one
implementation the API, the planning page, the CSV import and the generation call.

Every write is checked first (``rota_checks``: nothing is written when a field is wrong),
settles its UTC instants once (``calendar.wall_instants``), records who changed it
(``updated_by``) and one audit event with the shift before and after.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import NotFound
from ...models import Cpts, Shift
from .. import audit
from .calendar import PARIS
from .rota_access import require_manage_rota, require_view_rota
from .rota_checks import (
    Slot,
    check_free,
    check_holder,
    check_place,
    check_site,
    flush_shift,
    instants,
    refuse,
)
from .rota_views import cpts_shifts, default_range, shift_view


def get_shift(session: Session, shift_id: int, *, lock: bool = False) -> Shift:
    query = select(Shift).where(Shift.id == shift_id)
    if lock:
        query = query.with_for_update()
    shift = session.scalars(query).first()
    if shift is None:
        raise NotFound(f"Astreinte n° {shift_id} introuvable.")
    return shift


def list_shifts(session: Session, principal, cpts: Cpts, start: date | None = None,
                end: date | None = None) -> list[dict]:
    require_view_rota(session, principal, cpts.id)
    start, end = default_range(start, end, datetime.now(PARIS).date())
    return cpts_shifts(session, cpts.id, start, end)


def _located(session: Session, cpts_id: int, professional_id: int, data: dict) -> None:
    check_site(session, professional_id, data.get("site"))
    check_place(session, cpts_id, data.get("place"))


def create_shift(session: Session, principal, cpts: Cpts, data: dict) -> dict:
    """A shift from the API body (``schemas.rota.ShiftInSchema``); its view back."""
    require_manage_rota(principal, cpts.id)
    holder = check_holder(session, cpts.id, data["professional"])
    _located(session, cpts.id, holder.id, data)
    slot = instants(data["date"], data["start"], data["end"], data.get("overnight", False))
    check_free(session, holder.id, slot)
    shift = Shift(cpts_id=cpts.id, professional_id=holder.id, site_id=data.get("site"),
                  place_id=data.get("place"), on_date=slot.on_date, start_time=slot.start,
                  end_time=slot.end, starts_at=slot.starts_at, ends_at=slot.ends_at,
                  free_places=data.get("free_places") or 0, note=data.get("note"),
                  updated_by=principal.label)
    session.add(shift)
    flush_shift(session)
    after = shift_view(session, shift.id)
    audit.record(session, principal, "shift.create", "shift", shift.id, after=after)
    return after


def _merged(shift: Shift, before: dict, data: dict) -> dict:
    merged = {"professional": shift.professional_id, "date": shift.on_date,
              "start": shift.start_time, "end": shift.end_time,
              "overnight": before["overnight"], "site": shift.site_id,
              "place": shift.place_id, "free_places": shift.free_places, "note": shift.note}
    merged.update(data)
    if "professional" in data and "site" not in data \
            and data["professional"] != shift.professional_id:
        merged["site"] = None  # a site is its holder's: a new holder starts from theirs
    if data.get("site"):
        merged["place"] = data.get("place")
    elif data.get("place"):
        merged["site"] = None
    return merged


def update_shift(session: Session, principal, shift_id: int, data: dict) -> dict:
    """Change a shift (the fields given; a new ``professional`` assigns it to someone else)."""
    shift = get_shift(session, shift_id, lock=True)
    require_manage_rota(principal, shift.cpts_id)
    before = shift_view(session, shift.id)
    merged = _merged(shift, before, data)
    holder = check_holder(session, shift.cpts_id, merged["professional"])
    _located(session, shift.cpts_id, holder.id, merged)
    slot = instants(merged["date"], merged["start"], merged["end"], merged["overnight"])
    check_free(session, holder.id, slot, exclude=(shift.id,))
    shift.professional_id, shift.site_id, shift.place_id = holder.id, merged["site"], \
        merged["place"]
    shift.on_date, shift.start_time, shift.end_time = slot.on_date, slot.start, slot.end
    shift.starts_at, shift.ends_at = slot.starts_at, slot.ends_at
    shift.free_places, shift.note = merged["free_places"], merged["note"]
    shift.updated_by, shift.updated_at = principal.label, datetime.now(timezone.utc)
    flush_shift(session)
    after = shift_view(session, shift.id)
    audit.record(session, principal, "shift.update", "shift", shift.id, before=before,
                 after=after)
    return after


def delete_shift(session: Session, principal, shift_id: int) -> None:
    shift = get_shift(session, shift_id, lock=True)
    require_manage_rota(principal, shift.cpts_id)
    before = shift_view(session, shift.id)
    session.delete(shift)
    session.flush()
    audit.record(session, principal, "shift.delete", "shift", shift_id, before=before)


def swap_shifts(session: Session, principal, first_id: int, second_id: int) -> list[dict]:
    """Exchange the holders of two shifts of one CPTS, both or neither (each takes the other's
    turn; a site goes with its holder, a place and the free places stay with the shift)."""
    if first_id == second_id:
        raise refuse("second", "deux astreintes différentes attendues")
    a, b = (get_shift(session, i, lock=True) for i in sorted((first_id, second_id)))
    if a.id != first_id:
        a, b = b, a
    require_manage_rota(principal, a.cpts_id)
    if b.cpts_id != a.cpts_id:
        raise refuse("second", "les deux astreintes doivent être de la même CPTS")
    if a.professional_id == b.professional_id:
        raise refuse("second", "les deux astreintes ont déjà le même professionnel")
    if a.starts_at < b.ends_at and b.starts_at < a.ends_at:
        raise refuse("second", "ces astreintes ont lieu en même temps : échanger leurs "
                               "titulaires ne change rien")
    before = [shift_view(session, a.id), shift_view(session, b.id)]
    for shift, new_holder in ((a, b.professional_id), (b, a.professional_id)):
        check_free(session, new_holder, Slot(shift.on_date, shift.start_time, shift.end_time,
                                             shift.starts_at, shift.ends_at),
                   exclude=(a.id, b.id))
    (a.professional_id, a.site_id), (b.professional_id, b.site_id) = \
        (b.professional_id, b.site_id), (a.professional_id, a.site_id)
    now = datetime.now(timezone.utc)
    for shift in (a, b):
        shift.updated_by, shift.updated_at = principal.label, now
    flush_shift(session)
    after = [shift_view(session, a.id), shift_view(session, b.id)]
    audit.record(session, principal, "shift.swap", "shift", f"{a.id},{b.id}", before={
        "shifts": before}, after={"shifts": after})
    return after
