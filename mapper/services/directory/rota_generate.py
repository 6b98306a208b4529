"""Generate a period of the rota from a weekly template and a rotation among chosen
professionals (``rota_plan``), skipping French public holidays of the CPTS's département
(``calendar.public_holidays``) unless told otherwise, and each professional's closures.

Idempotent: a line whose day and hours the CPTS already covers by as many shifts is left as
it is, so running the same generation twice writes nothing the second time. A planned shift
that would overlap another shift of its holder refuses the whole generation (409 listing
them, nothing written) or, with ``on_conflict="skip"``, is left out and reported. One
transaction; one audit event naming the shifts created.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ...errors import Conflict, ValidationFailed
from ...models import Closure, Cpts, Shift
from .. import audit
from .calendar import public_holidays
from .rota_access import require_manage_rota
from .rota_checks import check_holder, check_place, cpts_departement, flush_shift
from .rota_plan import Line, Planned, plan_rota


def _lines(session: Session, cpts_id: int, template: list[dict]) -> list[Line]:
    lines = []
    for index, item in enumerate(template):
        try:
            check_place(session, cpts_id, item.get("place"))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.detail, errors={f"template.{index}.place":
                                                       exc.errors["place"]}) from None
        lines.append(Line(frozenset(item["weekdays"]), item["start"], item["end"],
                          item.get("overnight", False), item.get("free_places", 0),
                          item.get("place")))
    return lines


def _rotation(session: Session, cpts_id: int, professionals: list[int]) -> list[int]:
    seen: set[int] = set()
    for index, professional_id in enumerate(professionals):
        field = f"professionals.{index}"
        if professional_id in seen:
            raise ValidationFailed(f"{field} : en double", errors={field: ["en double"]})
        seen.add(professional_id)
        try:
            check_holder(session, cpts_id, professional_id)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.detail, errors={field: exc.errors["professional"]}) \
                from None
    return list(professionals)


def _closures(session: Session, professionals: list[int], spec: dict) -> dict:
    out: dict[int, list] = {}
    rows = session.execute(select(Closure.professional_id, Closure.starts_on, Closure.ends_on)
                           .where(Closure.professional_id.in_(professionals),
                                  Closure.starts_on <= spec["end_date"],
                                  Closure.ends_on >= spec["start_date"]))
    for professional_id, starts_on, ends_on in rows:
        out.setdefault(professional_id, []).append((starts_on, ends_on))
    return out


def _existing(session: Session, cpts_id: int, professionals: list[int], spec: dict):
    """(coverage counter by (day, start, end) of the CPTS, holders' shifts around the period)."""
    start, end = spec["start_date"] - timedelta(days=1), spec["end_date"] + timedelta(days=1)
    shifts = session.scalars(select(Shift).where(
        Shift.on_date.between(start, end),
        or_(Shift.cpts_id == cpts_id, Shift.professional_id.in_(professionals)))).all()
    covered = Counter((s.on_date, s.start_time, s.end_time) for s in shifts
                      if s.cpts_id == cpts_id)
    by_holder: dict[int, list[Shift]] = {}
    for s in shifts:
        by_holder.setdefault(s.professional_id, []).append(s)
    return covered, by_holder


def _sort(planned: list[Planned], covered: Counter, by_holder: dict):
    new, existing, unfilled, conflicts = [], [], [], []
    for item in planned:
        key = (item.slot.on_date, item.slot.start, item.slot.end)
        if covered[key] > 0:
            covered[key] -= 1
            existing.append(item)
        elif item.professional_id is None:
            unfilled.append(item)
        else:
            clash = next((s for s in by_holder.get(item.professional_id, ())
                          if s.starts_at < item.slot.ends_at
                          and item.slot.starts_at < s.ends_at), None)
            (conflicts if clash else new).append((item, clash))
    return [i for i, _ in new], existing, unfilled, conflicts


def _item(item: Planned, **extra) -> dict:
    slot = item.slot
    return {"date": slot.on_date.isoformat(), "start": slot.start.strftime("%H:%M"),
            "end": slot.end.strftime("%H:%M"), "professional": item.professional_id, **extra}


def _conflict_error(conflicts) -> Conflict:
    reasons = [f"{c['date']} {c['start']}–{c['end']} : le professionnel n° {c['professional']}"
               f" est déjà d'astreinte (astreinte n° {c['shift']})" for c in conflicts[:20]]
    return Conflict(f"{len(conflicts)} astreinte(s) générée(s) en chevaucheraient d'autres : "
                    "rien n'a été écrit.", errors={"template": reasons},
                    extra={"conflicts": conflicts})


def generate_rota(session: Session, principal, cpts: Cpts, spec: dict) -> dict:
    """Generate ``spec`` (``schemas.rota.GenerateSchema``); a summary of what was done."""
    require_manage_rota(principal, cpts.id)
    lines = _lines(session, cpts.id, spec["template"])
    rotation = _rotation(session, cpts.id, spec["professionals"])
    holidays = (public_holidays(spec["start_date"], spec["end_date"],
                                cpts_departement(session, cpts.id))
                if spec.get("skip_holidays", True) else {})
    planned = plan_rota(spec["start_date"], spec["end_date"], lines, rotation,
                        holidays=set(holidays), closures=_closures(session, rotation, spec))
    new, existing, unfilled, conflicts = _sort(planned, *_existing(session, cpts.id,
                                                                    rotation, spec))
    conflicts = [_item(i, shift=s.id) for i, s in conflicts]
    if conflicts and spec.get("on_conflict", "refuse") == "refuse":
        raise _conflict_error(conflicts)
    summary = {"created": 0 if spec.get("dry_run") else len(new), "existing": len(existing),
               "planned": [_item(i) for i in new], "unfilled": [_item(i) for i in unfilled],
               "conflicts": conflicts, "dry_run": bool(spec.get("dry_run")),
               "holidays_skipped": [{"date": d.isoformat(), "name": n}
                                    for d, n in holidays.items()]}
    if spec.get("dry_run") or not new:
        return {**summary, "shifts": []}
    shifts = [Shift(cpts_id=cpts.id, professional_id=i.professional_id, place_id=i.line.place,
                    on_date=i.slot.on_date, start_time=i.slot.start, end_time=i.slot.end,
                    starts_at=i.slot.starts_at, ends_at=i.slot.ends_at,
                    free_places=i.line.free_places, updated_by=principal.label) for i in new]
    session.add_all(shifts)
    flush_shift(session)
    ids = [s.id for s in shifts]
    audit.record(session, principal, "rota.generate", "cpts", cpts.id, after={
        "from": spec["start_date"].isoformat(), "to": spec["end_date"].isoformat(),
        "professionals": rotation, "skip_holidays": spec.get("skip_holidays", True),
        "shifts": ids, "unfilled": summary["unfilled"], "conflicts_skipped": conflicts})
    return {**summary, "shifts": ids}

