"""Generation of the rota against a brute-force oracle written here by hand: every day of
periods across both DST changes of 2026 and 2027 and the movable holidays (Easter Monday,
Ascension, Whit Monday), weekday by weekday, holidays computed from Easter (Meeus/Jones/Butcher)
and the fixed French days, closures checked day by day, UTC offsets from the EU rule (last
Sundays of March and October at 01:00 UTC). Then idempotence, overlaps refused or skipped,
dry runs, and the holidays of Alsace-Moselle and overseas départements."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from mapper.errors import Conflict
from mapper.models import AuditEvent, Closure, Shift
from mapper.services.directory import rota
from mapper.services.directory.rota_generate import generate_rota
from tests.factories.geo import box, collection, feature, write_geojson

WEEKDAYS = [1, 2, 3, 4, 5]
TEMPLATE = [
    {"weekdays": WEEKDAYS, "start": time(14), "end": time(20), "free_places": 2},
    {"weekdays": WEEKDAYS, "start": time(14), "end": time(20), "free_places": 2},
    {"weekdays": [6], "start": time(9), "end": time(12), "free_places": 1},
    {"weekdays": [7], "start": time(1), "end": time(5), "free_places": 0},  # across 02:00-03:00
]
PERIODS = [(date(2026, 3, 16), date(2026, 6, 7)), (date(2026, 10, 19), date(2026, 11, 15)),
           (date(2027, 3, 15), date(2027, 6, 6)), (date(2027, 10, 25), date(2027, 11, 14))]


# -- the oracle ------------------------------------------------------------------------------

def easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    return date(year, month, (h + l - 7 * m + 114) % 31 + 1)


def french_holidays(year: int) -> set[date]:
    e = easter(year)
    fixed = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
    return {date(year, m, d) for m, d in fixed} | {e + timedelta(days=1), e + timedelta(days=39),
                                                   e + timedelta(days=50)}


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


def utc(day: date, at: time) -> datetime:
    """Paris wall clock → UTC by the EU rule; a missing time reads with the offset before the
    change, an ambiguous one is its first occurrence."""
    spring, autumn = last_sunday(day.year, 3), last_sunday(day.year, 10)
    if spring < day < autumn:
        offset = 2
    elif day == spring:
        offset = 1 if at < time(3) else 2
    elif day == autumn:
        offset = 2 if at < time(3) else 1
    else:
        offset = 1
    return datetime.combine(day, at, tzinfo=timezone.utc) - timedelta(hours=offset)


def oracle(start: date, end: date, rotation: list[int], closures: dict) -> list[tuple]:
    expected, pointer, busy = [], 0, {}
    day = start
    while day <= end:
        if day not in french_holidays(day.year):
            lines = [ln for ln in TEMPLATE if day.isoweekday() in ln["weekdays"]]
            for line in sorted(lines, key=lambda ln: ln["start"]):
                starts, ends = utc(day, line["start"]), utc(day, line["end"])
                for k in range(len(rotation)):
                    who = rotation[(pointer + k) % len(rotation)]
                    absent = any(a <= day <= b for a, b in closures.get(who, ()))
                    if not absent and busy.get(who, datetime.min.replace(
                            tzinfo=timezone.utc)) <= starts:
                        expected.append((who, day, line["start"], line["end"], starts, ends,
                                         line["free_places"]))
                        pointer, busy[who] = (pointer + k + 1) % len(rotation), ends
                        break
        day += timedelta(days=1)
    return expected


# -- the tests -------------------------------------------------------------------------------

def spec(rw, start, end, **over):
    return {"start_date": start, "end_date": end, "template": TEMPLATE,
            "professionals": rw.rotation, **over}


def stored(session, cpts_id) -> list[tuple]:
    return [tuple(r) for r in session.execute(
        select(Shift.professional_id, Shift.on_date, Shift.start_time, Shift.end_time,
               Shift.starts_at, Shift.ends_at, Shift.free_places)
        .where(Shift.cpts_id == cpts_id).order_by(Shift.starts_at, Shift.id))]


def test_movable_holidays_and_dst_days_of_the_oracle():
    """The oracle's own facts, as published (Légifrance / service-public.fr)."""
    assert {easter(2026) + timedelta(days=n) for n in (1, 39, 50)} == {
        date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)}
    assert {easter(2027) + timedelta(days=n) for n in (1, 39, 50)} == {
        date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)}
    assert [last_sunday(y, m) for y in (2026, 2027) for m in (3, 10)] == [
        date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]


def test_generation_equals_the_oracle_across_dst_and_holidays(session, rw, coordinator):
    gp, nurse, physio, _ = rw.rotation
    closures = {nurse: [(date(2026, 4, 1), date(2026, 4, 10))],
                physio: [(date(2027, 5, 3), date(2027, 5, 9))],
                gp: [(date(2026, 10, 26), date(2026, 10, 26))]}
    for who, ranges in closures.items():
        for a, b in ranges:
            session.add(Closure(professional_id=who, starts_on=a, ends_on=b, reason="congés"))
    session.flush()
    expected = []
    for start, end in PERIODS:
        out = generate_rota(session, coordinator, rw.sud, spec(rw, start, end))
        want = oracle(start, end, rw.rotation, closures)
        assert out["created"] == len(want) and not out["unfilled"]
        expected += want
    got = stored(session, rw.sud.id)
    assert got == expected
    days_with_shifts = {r[1] for r in got}
    for start, end in PERIODS:
        day = start
        while day <= end:
            assert (day in days_with_shifts) == (day not in french_holidays(day.year)), day
            day += timedelta(days=1)
    # the night line crosses the change: 3 hours in spring, 5 in autumn, 4 otherwise
    nights = {r[1]: (r[5] - r[4]) for r in got if r[2] == time(1)}
    assert nights[date(2026, 3, 29)] == nights[date(2027, 3, 28)] == timedelta(hours=3)
    assert nights[date(2026, 10, 25)] == nights[date(2027, 10, 31)] == timedelta(hours=5)
    assert nights[date(2026, 3, 22)] == timedelta(hours=4)
    assert not any(r[0] == nurse and date(2026, 4, 1) <= r[1] <= date(2026, 4, 10) for r in got)


def test_twice_writes_nothing_more_and_holidays_kept_when_asked(session, rw, coordinator):
    start, end = date(2026, 5, 11), date(2026, 5, 17)  # Ascension on Thursday 14
    first = generate_rota(session, coordinator, rw.sud, spec(rw, start, end))
    assert [h["date"] for h in first["holidays_skipped"]] == ["2026-05-14"]
    again = generate_rota(session, coordinator, rw.sud, spec(rw, start, end))
    assert again["created"] == 0 and again["existing"] == first["created"]
    kept = generate_rota(session, coordinator, rw.sud, spec(rw, start, end, skip_holidays=False,
                                                           on_conflict="skip"))
    assert kept["created"] == 2 and {p["date"] for p in kept["planned"]} == {"2026-05-14"}
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "rota.generate")) == 2


def test_overlaps_refuse_everything_or_are_skipped(session, rw, coordinator):
    start, end = date(2026, 3, 2), date(2026, 3, 6)
    blocker = rota.create_shift(session, coordinator, rw.sud, {
        "professional": rw.rotation[0], "date": start, "start": time(19), "end": time(21)})
    with pytest.raises(Conflict) as caught:
        generate_rota(session, coordinator, rw.sud, spec(rw, start, end))
    assert "template" in caught.value.errors
    assert caught.value.extra["conflicts"][0]["shift"] == blocker["id"]
    assert len(stored(session, rw.sud.id)) == 1
    dry = generate_rota(session, coordinator, rw.sud, spec(rw, start, end, on_conflict="skip",
                                                          dry_run=True))
    assert dry["created"] == 0 and len(stored(session, rw.sud.id)) == 1
    out = generate_rota(session, coordinator, rw.sud, spec(rw, start, end, on_conflict="skip"))
    assert out["created"] == 9 and len(out["conflicts"]) == 1


def test_nobody_available_leaves_a_gap(session, rw, coordinator):
    one = [rw.pros["gp"]]
    session.add(Closure(professional_id=rw.pros["gp"], starts_on=date(2026, 3, 3),
                        ends_on=date(2026, 3, 3)))
    out = generate_rota(session, coordinator, rw.sud, spec(
        rw, date(2026, 3, 2), date(2026, 3, 3), professionals=one))
    assert out["created"] == 1  # Monday's first line; the second overlaps, Tuesday closed
    assert [u["date"] for u in out["unfilled"]] == ["2026-03-02", "2026-03-03", "2026-03-03"]


def _cpts_in(w, session, departement: str, codes: list[str]):
    from mapper.imports.communes import import_communes_file

    features = [feature(code, f"Commune {code}", box(-61 + i * 0.05, 14.6, -60.95 + i * 0.05,
                                                     14.65), departement=departement,
                        population=1000) for i, code in enumerate(codes)]
    path = write_geojson(w.tmp_path / f"c{departement}.geojson", collection(*features))
    assert import_communes_file(session, path, population_year=2023).ok
    return w.cpts(f"CPTS {departement}", codes)


def test_overseas_and_alsace_moselle_holidays(session, tmp_path, rw):
    """Martinique (972) adds 22 May (abolition of slavery); Moselle (57) Good Friday."""
    from mapper.auth.principal import Principal
    from mapper.services.directory.members import add_member
    from tests.factories.world import WorldBuilder
    from tests.support import make_settings

    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    admin = Principal.system("tests")
    checks = [("972", ["97201", "97202"], date(2026, 5, 22)),
              ("57", ["57001", "57002"], date(2026, 4, 3))]
    for departement, codes, day in checks:
        cpts = _cpts_in(w, session, departement, codes)
        add_member(session, admin, cpts, str(rw.pros["gp"]))
        line = [{"weekdays": [5], "start": time(14), "end": time(20)}]
        out = generate_rota(session, admin, cpts, {
            "start_date": day, "end_date": day, "template": line,
            "professionals": [rw.pros["gp"]]})
        assert out["created"] == 0 and out["holidays_skipped"][0]["date"] == day.isoformat()
    out = generate_rota(session, admin, rw.sud, {
        "start_date": date(2026, 5, 22), "end_date": date(2026, 5, 22),
        "template": [{"weekdays": [5], "start": time(14), "end": time(20)}],
        "professionals": [rw.pros["gp"]]})
    assert out["created"] == 1  # not a holiday in métropole
