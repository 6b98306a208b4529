"""What makes a shift valid, checked before anything is written: the holder is a member of the
CPTS, the site is one of the holder's, the place is the CPTS's, the end follows the start, and
the holder has no other shift at that time. Each refusal names its field (422; an overlap is a
409), so a form shows it beside the field and an import beside the row.

The exclusion constraint ``ex_shift_no_overlap`` stays the guarantee under concurrency:
``flush_shift`` turns its violation (two coordinators booking one person at once) into the same
409 instead of a 500.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...errors import Conflict, ValidationFailed
from ...models import CptsMember, Place, PracticeSite, Professional, Shift
from .calendar import PARIS, wall_instants

EXCLUSION = "ex_shift_no_overlap"


@dataclass(frozen=True)
class Slot:
    """A shift's when: the local day and times, and its UTC instants."""

    on_date: date
    start: time
    end: time
    starts_at: datetime
    ends_at: datetime


def refuse(field: str, reason: str) -> ValidationFailed:
    return ValidationFailed(f"{field} : {reason}", errors={field: [reason]})


def instants(on_date: date, start: time, end: time, overnight: bool = False) -> Slot:
    try:
        starts_at, ends_at = wall_instants(on_date, start, end, overnight=overnight)
    except ValueError:
        raise refuse("end", "la fin doit suivre le début (cochez « nuit » si l'astreinte "
                            "finit le lendemain)") from None
    return Slot(on_date, start, end, starts_at, ends_at)


def check_holder(session: Session, cpts_id: int, professional_id: int) -> Professional:
    professional = session.get(Professional, professional_id)
    if professional is None:
        raise refuse("professional", f"fiche n° {professional_id} inconnue")
    if session.get(CptsMember, (cpts_id, professional_id)) is None:
        raise refuse("professional", "ce professionnel n'est pas membre de la CPTS")
    return professional


def check_site(session: Session, professional_id: int, site_id: int | None) -> None:
    if site_id is None:
        return
    owner = session.scalar(select(PracticeSite.professional_id)
                           .where(PracticeSite.id == site_id))
    if owner is None:
        raise refuse("site", f"lieu d'exercice n° {site_id} inconnu")
    if owner != professional_id:
        raise refuse("site", "ce lieu d'exercice n'est pas celui du professionnel d'astreinte")


def check_place(session: Session, cpts_id: int, place_id: int | None) -> None:
    if place_id is None:
        return
    owner = session.execute(select(Place.cpts_id).where(Place.id == place_id)).first()
    if owner is None:
        raise refuse("place", f"lieu n° {place_id} inconnu")
    if owner[0] != cpts_id:
        raise refuse("place", "ce lieu n'est pas un lieu de la CPTS")


def _local(at: datetime) -> str:
    local = at.astimezone(PARIS)
    return f"{local:%d/%m/%Y} {local:%H:%M}"


def overlapping(session: Session, professional_id: int, slot: Slot,
                exclude: tuple[int, ...] = ()) -> Shift | None:
    """The holder's other shift that overlaps ``slot``, if any."""
    query = select(Shift).where(
        Shift.professional_id == professional_id,
        func.tstzrange(Shift.starts_at, Shift.ends_at).op("&&")(
            func.tstzrange(slot.starts_at, slot.ends_at)))
    if exclude:
        query = query.where(Shift.id.notin_(exclude))
    return session.scalars(query.order_by(Shift.starts_at).limit(1)).first()


def overlap_conflict(other: Shift | None) -> Conflict:
    when = (f" (astreinte n° {other.id}, du {_local(other.starts_at)} au "
            f"{_local(other.ends_at)})") if other is not None else ""
    reason = f"ce professionnel est déjà d'astreinte à ce moment{when}"
    return Conflict(f"start : {reason}", errors={"start": [reason]})


def check_free(session: Session, professional_id: int, slot: Slot,
               exclude: tuple[int, ...] = ()) -> None:
    other = overlapping(session, professional_id, slot, exclude)
    if other is not None:
        raise overlap_conflict(other)


def flush_shift(session: Session) -> None:
    """Flush in a savepoint; the exclusion constraint's refusal becomes a 409 on ``start``."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        if EXCLUSION in str(exc.orig):
            raise overlap_conflict(None) from None
        raise


def cpts_departement(session: Session, cpts_id: int) -> str | None:
    """The département of a CPTS's territory (its communes' most common one, else the one
    under a point of its drawn outline), for its public holidays."""
    return session.scalar(text("""
        SELECT coalesce(
          (SELECT c.departement FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
           WHERE cc.cpts_id = :cpts GROUP BY c.departement ORDER BY count(*) DESC,
           c.departement LIMIT 1),
          (SELECT c.departement FROM cpts k JOIN commune c
             ON ST_Intersects(c.geom, ST_PointOnSurface(k.geom))
           WHERE k.id = :cpts AND k.geom IS NOT NULL LIMIT 1))"""), {"cpts": cpts_id})
