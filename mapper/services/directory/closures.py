"""Closures: a professional (holidays, sick leave) or a place (works, summer) closed over a
range of days, both ends included. "Ouvert maintenant" and the next opening skip them
(``openings``), and the rota generation treats a professional's closure as an absence.

Who may write them: for a professional, whoever may edit the entry (``access.can_edit``: the
professional, a coordinator of one of their CPTS, an admin); for a place, whoever keeps the
place (``access.can_manage_place``). The same people read them (a reason may be private).
Every write is audited.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import NotFound, ValidationFailed
from ...models import Closure
from .. import audit
from .access import require_edit, require_manage_place
from .places import get_place
from .views import get_professional


def closure_view(c: Closure) -> dict:
    return {"id": c.id, "professional_id": c.professional_id, "place_id": c.place_id,
            "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(),
            "reason": c.reason}


def _check_owner(session: Session, actor, *, professional_id=None, place_id=None) -> None:
    if actor is None:
        return
    if professional_id is not None:
        get_professional(session, professional_id)
        require_edit(session, actor, professional_id)
    else:
        require_manage_place(actor, get_place(session, place_id).cpts_id)


def list_closures(session: Session, actor, *, professional_id: int | None = None,
                  place_id: int | None = None, since: date | None = None) -> list[dict]:
    """The closures of a professional or of a place, by start (those ending before
    ``since`` left out)."""
    _check_owner(session, actor, professional_id=professional_id, place_id=place_id)
    query = select(Closure).order_by(Closure.starts_on, Closure.id)
    if professional_id is not None:
        query = query.where(Closure.professional_id == professional_id)
    else:
        query = query.where(Closure.place_id == place_id)
    if since is not None:
        query = query.where(Closure.ends_on >= since)
    return [closure_view(c) for c in session.scalars(query)]


def add_closure(session: Session, actor, data: dict, *, professional_id: int | None = None,
                place_id: int | None = None, audit_actor=None) -> dict:
    """A closure from ``data`` (starts_on, ends_on, reason) for one owner."""
    if (professional_id is None) == (place_id is None):
        raise ValueError("a closure belongs to a professional or to a place")
    _check_owner(session, actor, professional_id=professional_id, place_id=place_id)
    if data["ends_on"] < data["starts_on"]:
        raise ValidationFailed("La fermeture finit avant de commencer.",
                               errors={"ends_on": ["le dernier jour précède le premier"]})
    closure = Closure(professional_id=professional_id, place_id=place_id,
                      starts_on=data["starts_on"], ends_on=data["ends_on"],
                      reason=(data.get("reason") or "").strip() or None)
    session.add(closure)
    session.flush()
    after = closure_view(closure)
    audit.record(session, audit_actor or actor or "cli", "closure.create", "closure",
                 closure.id, after=after)
    return after


def get_closure(session: Session, closure_id: int) -> Closure:
    closure = session.get(Closure, closure_id)
    if closure is None:
        raise NotFound(f"Fermeture introuvable : {closure_id}.")
    return closure


def delete_closure(session: Session, actor, closure_id: int, *,
                   professional_id: int | None = None, place_id: int | None = None) -> None:
    """Delete a closure (``professional_id``/``place_id``, when given, must be its owner: a
    page's URL cannot reach another's closure)."""
    closure = get_closure(session, closure_id)
    if (professional_id is not None and closure.professional_id != professional_id) or (
            place_id is not None and closure.place_id != place_id):
        raise NotFound(f"Fermeture introuvable : {closure_id}.")
    _check_owner(session, actor, professional_id=closure.professional_id,
                 place_id=closure.place_id)
    before = closure_view(closure)
    session.delete(closure)
    session.flush()
    audit.record(session, actor or "cli", "closure.delete", "closure", closure_id,
                 before=before)

