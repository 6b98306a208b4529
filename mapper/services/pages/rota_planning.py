"""The coordinator's planning of the on-call rota, one week: a grid of days × hours (the
afternoon by default, 8 h–20 h on request) with who is on call, the gaps in the CPTS's on-call
hours, and what the forms need (members to assign, the week's shifts to swap)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..directory.calendar import PARIS, public_holidays
from ..directory.rota_access import can_manage_rota, require_view_rota
from ..directory.rota_checks import cpts_departement
from ..directory.rota_hours import gaps, rota_hours
from ..directory.rota_views import cpts_shifts
from ..territories.cpts import get_cpts

AFTERNOON, DAY = (14, 20), (8, 20)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def members(session: Session, cpts_id: int) -> list[dict]:
    rows = session.execute(text("""
        SELECT p.id, p.first_name, p.last_name, p.profession_code AS profession
        FROM cpts_member m JOIN professional p ON p.id = m.professional_id
        WHERE m.cpts_id = :cpts
        ORDER BY p.last_name COLLATE mapper_fr, p.first_name COLLATE mapper_fr, p.id"""), {"cpts": cpts_id})
    return [dict(r._mapping) for r in rows]


def _covers(item: dict, day: date, hour: int) -> bool:
    """Whether ``item`` (a shift or a gap, with UTC instants) touches ``hour`` of ``day``."""
    start = datetime.combine(day, time(hour), tzinfo=PARIS)
    end = start + timedelta(hours=1)
    return (datetime.fromisoformat(item["starts_at"]) < end
            and start < datetime.fromisoformat(item["ends_at"]))


def _day(day: date, shifts: list[dict], day_gaps: list[dict], hours: range,
         holiday: str | None, on_call: bool) -> dict:
    todays = [s for s in shifts if _touches(s, day)]
    return {"date": day, "holiday": holiday, "on_call": on_call and not holiday,
            "shifts": todays, "gaps": day_gaps,
            "cells": [{"hour": h, "shifts": [s for s in todays if _covers(s, day, h)],
                       "gap": any(_covers(g, day, h) for g in day_gaps)} for h in hours]}


def _touches(shift: dict, day: date) -> bool:
    start = datetime.combine(day, time(0), tzinfo=PARIS)
    return (datetime.fromisoformat(shift["starts_at"]) < start + timedelta(days=1)
            and start < datetime.fromisoformat(shift["ends_at"]))


def planning(session: Session, principal, slug: str, week: date, *, whole_day: bool = False
             ) -> dict:
    cpts = get_cpts(session, slug)
    require_view_rota(session, principal, cpts.id)
    monday = week_of(week)
    sunday = monday + timedelta(days=6)
    shifts = cpts_shifts(session, cpts.id, monday - timedelta(days=1), sunday)
    hours = rota_hours(session, cpts.id)
    holes = gaps(session, cpts.id, shifts, monday, sunday, hours=hours)
    holidays = public_holidays(monday, sunday, cpts_departement(session, cpts.id))
    first, last = DAY if whole_day else AFTERNOON
    first = min(first, int(hours["start"][:2]))
    last = max(last, int(hours["end"][:2]) + (hours["end"][3:] != "00"))
    week_days = [_day(monday + timedelta(days=k), shifts,
                      [g for g in holes if g["date"] == (monday + timedelta(days=k)).isoformat()],
                      range(first, last), holidays.get(monday + timedelta(days=k)),
                      (monday + timedelta(days=k)).isoweekday() in hours["weekdays"])
                 for k in range(7)]
    manager = can_manage_rota(principal, cpts.id)
    return {"cpts": {"id": cpts.id, "slug": cpts.slug, "name": cpts.name}, "monday": monday,
            "sunday": sunday, "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7), "this_week": week_of(datetime.now(PARIS).date()),
            "days": week_days, "hours": list(range(first, last)), "on_call_hours": hours,
            "gaps": holes, "whole_day": whole_day, "manager": manager,
            "shifts": [s for s in shifts if s["date"] >= monday.isoformat()],
            "members": members(session, cpts.id) if manager else []}
