"""The filters of a directory search, as small composable functions: each returns an SQL
condition on the aliases ``p`` (professional) and ``s`` (practice_site) with its parameters, or
None when it does not apply (pygeoapi's SQL-provider style). The orientation map applies the
same filters to the members of a CPTS, so a map and a search filter alike."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .openings import closed_sql
from .slots import paris_local


@dataclass
class SearchQuery:
    """What a search asks. ``near``/``covers`` are (lat, lon); ``open_at`` an aware datetime
    (naive means Paris local time); ``cpts`` an id or a slug; ``limit`` None means no limit
    (maps of a CPTS's members); ``fair_order`` a shuffle key (see the field)."""

    near: tuple[float, float] | None = None
    radius_km: float | None = None
    professions: list[str] = field(default_factory=list)
    competencies: list[str] = field(default_factory=list)
    covers: tuple[float, float] | None = None
    accepting_new_patients: bool | None = None
    open_at: datetime | None = None
    language: str | None = None
    accessible: bool | None = None
    cpts: int | str | None = None
    limit: int | None = 20
    slot_kind: str | None = None
    home_visits: bool | None = None
    teleconsultation: bool | None = None
    #: Order by a shuffle stable for this key (a day, "2025-03-14") instead of the distance:
    #: the place is only a commune or a postcode. Needs ``near`` and ``radius_km``.
    fair_order: str | None = None
    #: Only those who take patients referred by a colleague (a professional-only field), among
    #: the members of these CPTS (the asker's: ``colleague_access``); ``()`` means everyone's
    #: (an administrator). None: no such filter. Never set from the public API.
    referrals_in: tuple[int, ...] | None = None


def _competency_filter(ids: list[int]):
    clauses = [f"EXISTS (SELECT 1 FROM professional_competency pc WHERE pc.professional_id = p.id "
               f"AND pc.competency_id = :comp_{i})" for i in range(len(ids))]
    return " AND ".join(clauses), {f"comp_{i}": c for i, c in enumerate(ids)}


def _bool_filter(column: str, value: bool | None):
    if value is None:
        return None
    return f"p.{column} IS {'TRUE' if value else 'NOT TRUE'}", {}


def _language_filter(language: str | None):
    if not language:
        return None
    return ":language = ANY(p.languages)", {"language": language.lower()}


def _cpts_filter(cpts_id: int | None):
    if cpts_id is None:
        return None
    return ("EXISTS (SELECT 1 FROM cpts_member m WHERE m.professional_id = p.id "
            "AND m.cpts_id = :cpts_id)", {"cpts_id": cpts_id})


def _referrals_filter(cpts_ids: tuple[int, ...] | None):
    if cpts_ids is None:
        return None
    if not cpts_ids:
        return "p.takes_referrals IS TRUE", {}
    # OFFSET 0: a check of each candidate, never a join the planner drives from the members
    # (it would scan every site of the directory to join a few thousand members).
    return ("p.takes_referrals IS TRUE AND EXISTS (SELECT 1 FROM cpts_member rm WHERE "
            "rm.professional_id = p.id AND rm.cpts_id = ANY(:referral_cpts) OFFSET 0)",
            {"referral_cpts": list(cpts_ids)})


def _open_filter(at: datetime | None, kind: str | None):
    """Open at a wall-clock instant: a slot of that weekday containing the time, or the tail
    after midnight of the previous day's slot that runs past midnight — on a day the slot
    happens (not a public holiday where its site is, nor a closure: ``openings``)."""
    if at is None:
        return None
    local = paris_local(at)
    day, tm = local.date(), local.time()
    prev = day - timedelta(days=1)
    kind_sql = "AND sl.kind = :slot_kind " if kind else ""
    closed_today, today_params = closed_sql("open_day", day)
    closed_prev, prev_params = closed_sql("open_prev", prev)
    sql = f"""EXISTS (SELECT 1 FROM slot sl WHERE sl.professional_id = p.id {kind_sql}AND (
        (sl.weekday = :open_wd AND sl.start_time <= :open_tm
         AND (sl.end_time > :open_tm OR sl.end_time <= sl.start_time)
         AND (sl.valid_from IS NULL OR sl.valid_from <= :open_day)
         AND (sl.valid_to IS NULL OR sl.valid_to >= :open_day) AND NOT {closed_today})
     OR (sl.weekday = :open_prev_wd AND sl.end_time <= sl.start_time AND sl.end_time > :open_tm
         AND (sl.valid_from IS NULL OR sl.valid_from <= :open_prev)
         AND (sl.valid_to IS NULL OR sl.valid_to >= :open_prev) AND NOT {closed_prev})))"""
    return sql, {"open_wd": day.isoweekday(), "open_tm": tm, "open_day": day,
                 "open_prev_wd": prev.isoweekday(), "open_prev": prev, "slot_kind": kind,
                 **today_params, **prev_params}


def _slot_kind_only_filter(at: datetime | None, kind: str | None):
    """``slot_kind`` without a time: professionals offering that kind of slot at all."""
    if at is not None or not kind:
        return None
    return ("EXISTS (SELECT 1 FROM slot sl WHERE sl.professional_id = p.id "
            "AND sl.kind = :slot_kind)", {"slot_kind": kind})


def professional_filters(query: SearchQuery, competency_ids: list[int], cpts_id: int | None):
    """The WHERE clauses (and their parameters) of every non-spatial filter of a search; the
    map service reuses them so that a map and a search filter alike."""
    parts = [
        _competency_filter(competency_ids) if competency_ids else None,
        _bool_filter("accepts_new_patients", query.accepting_new_patients),
        _bool_filter("accessible", query.accessible),
        _bool_filter("home_visits", query.home_visits),
        _bool_filter("teleconsultation", query.teleconsultation),
        _language_filter(query.language),
        _cpts_filter(cpts_id),
        _referrals_filter(query.referrals_in),
        _open_filter(query.open_at, query.slot_kind),
        _slot_kind_only_filter(query.open_at, query.slot_kind),
    ]
    sql, params = [], {}
    for part in parts:
        if part:
            sql.append(part[0])
            params.update(part[1])
    return sql, params
