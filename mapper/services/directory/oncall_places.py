"""The free places of a shift: a reservation takes one, the holder (or the coordinator, an
admin) says −1 / +1 / complet / a number.

Each change is one ``UPDATE … WHERE … RETURNING`` on the shift's row: PostgreSQL takes the
row's lock, and a concurrent update waiting on it re-checks the ``WHERE`` on the new row
(READ COMMITTED), so twenty pharmacists pressing « Réserver » on the last place at once get
one success and nineteen « plus de place » — never a negative count (the check constraint
is the last line). The reservation row and the audit event go in the same transaction; the
caller commits.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import Conflict, NotFound
from ...models import Shift, ShiftReservation
from .. import audit
from .oncall import utcnow
from .rota_access import require_change_free_places, require_reserve

MAX_PLACES = 500
FREE_PLACES_ACTIONS = ("decrement", "increment", "full", "set")

NO_PLACE_LEFT = ("Plus de place libre sur cette astreinte : elle vient d'être prise. "
                 "Choisissez un autre professionnel d'astreinte.")
FINISHED = "Cette astreinte est terminée : on ne peut plus y réserver ni changer ses places."

_TAKE = text("""
UPDATE shift SET free_places = free_places - 1, updated_by = :actor, updated_at = now()
WHERE id = :id AND free_places > 0 AND ends_at > :now
RETURNING free_places
""")

#: ``old`` locks the row and keeps the count before the change (for the audit).
_CHANGE = text("""
UPDATE shift s SET free_places = {expression}, updated_by = :actor, updated_at = now()
FROM (SELECT id, free_places FROM shift WHERE id = :id FOR UPDATE) old
WHERE s.id = old.id AND s.ends_at > :now AND {condition}
RETURNING old.free_places AS before, s.free_places AS after, s.updated_at
""")

_CHANGES = {
    "decrement": ("s.free_places - 1", "s.free_places > 0"),
    "increment": ("s.free_places + 1", f"s.free_places < {MAX_PLACES}"),
    "full": ("0", "true"),
    "set": (":value", "true"),
}
_REFUSED = {
    "decrement": "Déjà complet : il n'y a plus de place à retirer.",
    "increment": f"{MAX_PLACES} places libres au plus.",
}


def get_shift(session: Session, shift_id: int) -> Shift:
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(f"Astreinte inconnue : {shift_id}.")
    return shift


def reserve_place(session: Session, principal, shift_id: int, note: str | None = None, *,
                  now: datetime | None = None) -> dict:
    """Take one free place of a shift for a patient; 409 when none is left or it is over."""
    shift = get_shift(session, shift_id)
    require_reserve(session, principal, shift)
    now = now or utcnow()
    left = session.execute(_TAKE, {"id": shift_id, "actor": principal.label,
                                   "now": now}).scalar_one_or_none()
    if left is None:
        session.refresh(shift)
        raise Conflict(FINISHED if shift.ends_at <= now else NO_PLACE_LEFT,
                       extra={"free_places": shift.free_places})
    reservation = ShiftReservation(
        shift_id=shift_id, account_id=getattr(principal, "account_id", None),
        professional_id=getattr(principal, "professional_id", None), actor=principal.label,
        note=note or None)
    session.add(reservation)
    session.flush()
    audit.record(session, principal, "shift.reserve", "shift", shift_id,
                 before={"free_places": left + 1},
                 after={"free_places": left, "reservation": reservation.id})
    return {"id": reservation.id, "shift_id": shift_id, "free_places": left,
            "reserved_at": reservation.reserved_at.isoformat(), "note": reservation.note}


def change_free_places(session: Session, principal, shift_id: int, action: str,
                       value: int | None = None, *, now: datetime | None = None) -> dict:
    """−1 (``decrement``), +1 (``increment``), complet (``full``) or a number (``set``,
    ``value``) on a shift's free places, by its holder, the coordinator or an admin."""
    if action not in _CHANGES:
        raise ValueError(action)  # the schemas only let the four actions through
    shift = get_shift(session, shift_id)
    require_change_free_places(principal, shift)
    now = now or utcnow()
    expression, condition = _CHANGES[action]
    row = session.execute(text(_CHANGE.text.format(expression=expression, condition=condition)),
                          {"id": shift_id, "actor": principal.label, "now": now,
                           "value": value}).first()
    if row is None:
        session.refresh(shift)
        message = FINISHED if shift.ends_at <= now else _REFUSED[action]
        raise Conflict(message, extra={"free_places": shift.free_places})
    audit.record(session, principal, "shift.free_places", "shift", shift_id,
                 before={"free_places": row.before},
                 after={"free_places": row.after, "action": action})
    return {"id": shift_id, "free_places": row.after, "updated_by": principal.label,
            "updated_at": row.updated_at.isoformat()}
