"""« Ouvert maintenant » and the next opening skip French public holidays (by the département
of the slot's site) and closures (of the professional, of the place its site belongs to): in the
search (SQL filter and next opening), the API, the orientation map (page and widget).

The SQL filter and the Python next opening are held to the same answer at every hour of the
holiday weeks (Easter 2026: Good Friday only in Alsace-Moselle, Easter Monday everywhere;
Ascension 2026-05-14), with closures, and against an independent oracle built on the
``holidays`` package directly.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import text

from mapper.schemas.orientation import OrientationParams
from mapper.services.directory import SearchQuery, next_slots, search_professionals
from mapper.services.directory.closures import add_closure
from mapper.services.directory.places import create_place
from mapper.services.pages.orientation import orientation_map

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = [{"weekday": d, "start": time(9), "end": time(18), "kind": "snp"}
            for d in range(1, 6)]
NIGHT = [{"weekday": d, "start": time(20), "end": time(2), "kind": "snp"} for d in range(1, 8)]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.fixture()
def people(world, session, settings, two_cpts):
    """Four members of the first CPTS: in Paris, in Strasbourg (Bas-Rhin: Good Friday), at an
    MSP (closed 1–5 June 2026), away on holiday (8–12 June 2026); a night worker in Paris."""
    cpts = two_cpts[0]
    msp = create_place(session, {"name": "MSP des Essais", "kind": "msp", "cpts": cpts,
                                 "address": "1 rue de l'MSP", "lat": 48.83, "lon": 2.32},
                       None, settings)
    paris = world.professional(site=(48.83, 2.32), commune="75002", slots=WEEKDAYS,
                               cpts=[cpts], last_name="Paris")
    alsace = world.professional(site=(48.83, 2.33), commune="67482", slots=WEEKDAYS,
                                cpts=[cpts], last_name="Alsace")
    at_msp = world.professional(cpts=[cpts], last_name="Msp", slots=WEEKDAYS, sites=[{
        "address": "1 rue de l'MSP", "lat": 48.83, "lon": 2.32, "place_id": msp["id"]}])
    away = world.professional(site=(48.831, 2.321), commune="75002", slots=WEEKDAYS,
                              cpts=[cpts], last_name="Conges")
    night = world.professional(site=(48.832, 2.322), commune="75002", slots=NIGHT,
                               cpts=[cpts], last_name="Nuit")
    add_closure(session, None, {"starts_on": date(2026, 6, 1), "ends_on": date(2026, 6, 5)},
                place_id=msp["id"])
    add_closure(session, None, {"starts_on": date(2026, 6, 8), "ends_on": date(2026, 6, 12),
                                "reason": "congés"}, professional_id=away)
    session.commit()
    return {"cpts": cpts, "paris": paris, "alsace": alsace, "msp": at_msp, "away": away,
            "night": night}


def open_ids(session, people, when: datetime) -> set[int]:
    found = search_professionals(session, SearchQuery(open_at=when, cpts=people["cpts"],
                                                      limit=50))
    return {r["id"] for r in found}


def test_ascension_closes_weekday_slots(session, people):
    assert people["paris"] in open_ids(session, people, at("2026-05-13T10:00"))
    assert people["paris"] not in open_ids(session, people, at("2026-05-14T10:00"))
    nxt = next_slots(session, [people["paris"]], at("2026-05-14T10:00"))[people["paris"]]
    assert nxt["starts_at"] == "2026-05-15T09:00:00+02:00" and nxt["open_now"] is False


def test_easter_monday_everywhere_good_friday_in_alsace_only(session, people):
    good_friday = open_ids(session, people, at("2026-04-03T10:00"))
    assert people["paris"] in good_friday and people["alsace"] not in good_friday
    assert not {people["paris"], people["alsace"]} & open_ids(session, people,
                                                                at("2026-04-06T10:00"))
    slots = next_slots(session, [people["paris"], people["alsace"]], at("2026-04-03T08:00"))
    assert slots[people["paris"]]["starts_at"] == "2026-04-03T09:00:00+02:00"
    assert slots[people["alsace"]]["starts_at"] == "2026-04-07T09:00:00+02:00"


def test_closures_of_a_professional_and_of_a_place(session, people):
    during = open_ids(session, people, at("2026-06-03T10:00"))
    assert people["msp"] not in during and people["paris"] in during
    assert people["away"] not in open_ids(session, people, at("2026-06-10T10:00"))
    slots = next_slots(session, [people["msp"], people["away"]], at("2026-06-03T10:00"))
    assert slots[people["msp"]]["starts_at"] == "2026-06-08T09:00:00+02:00"
    assert slots[people["away"]]["starts_at"] == "2026-06-03T09:00:00+02:00"
    later = next_slots(session, [people["away"]], at("2026-06-10T10:00"))[people["away"]]
    assert later["starts_at"] == "2026-06-15T09:00:00+02:00"


def test_a_night_past_midnight_belongs_to_the_day_it_starts(session, people):
    # Wednesday 13 May 20:00 → Thursday 02:00 happens (the eve is not a holiday)…
    assert people["night"] in open_ids(session, people, at("2026-05-14T01:00"))
    # …Ascension night 14 May 20:00 → 15 May 02:00 does not.
    assert people["night"] not in open_ids(session, people, at("2026-05-15T01:00"))


def test_api_search_and_orientation_map_agree(client, session, settings, people):
    resp = client.get("/api/v1/professionals/search?cpts=cpts-paris-14"
                      "&open_at=2026-05-14T10:00:00%2B02:00")
    assert resp.status_code == 200
    assert {r["id"] for r in resp.get_json()["results"]} == set()
    data = orientation_map(session, "cpts-paris-14", OrientationParams(open_now=True), settings,
                           now=at("2026-04-03T10:00"))
    shown = {m.id for m in data.markers}
    assert people["paris"] in shown and people["alsace"] not in shown
    everyone = orientation_map(session, "cpts-paris-14", OrientationParams(), settings,
                               now=at("2026-05-14T10:00"))
    slot = {m.id: m.next_slot for m in everyone.markers}[people["paris"]]
    assert slot["starts_at"] == "2026-05-15T09:00:00+02:00"


def _oracle(person: str, when: datetime, people: dict) -> bool:
    """Open at ``when`` by construction, from the ``holidays`` package directly."""
    local = when.astimezone(PARIS)
    subdiv = "6AE" if person == "alsace" else None
    off = holidays.France(years=2026, subdiv=subdiv)
    closed = {"msp": (date(2026, 6, 1), date(2026, 6, 5)),
              "away": (date(2026, 6, 8), date(2026, 6, 12))}.get(person)

    def happens(day: date) -> bool:
        return day not in off and not (closed and closed[0] <= day <= closed[1])

    if person == "night":
        day = local.date() if local.hour >= 20 else local.date() - timedelta(days=1)
        return (local.hour >= 20 or local.hour < 2) and happens(day)
    return local.isoweekday() <= 5 and 9 <= local.hour < 18 and happens(local.date())


@pytest.mark.parametrize("first_day", [date(2026, 4, 2), date(2026, 5, 12), date(2026, 5, 31)])
def test_sql_filter_next_opening_and_oracle_agree_every_hour(session, people, first_day):
    ids = {v: k for k, v in people.items() if k != "cpts"}
    start = datetime.combine(first_day, time(0, 30), tzinfo=PARIS)
    for hour in range(0, 24 * 6):
        when = start + timedelta(hours=hour)
        by_sql = open_ids(session, people, when)
        by_python = {pid for pid, s in next_slots(session, ids, when).items() if s["open_now"]}
        by_oracle = {pid for pid, name in ids.items() if _oracle(name, when, people)}
        assert by_sql == by_python == by_oracle, when



@pytest.mark.parametrize("near", [None, (48.83, 2.32)], ids=["by-name", "nearest-first"])
def test_search_results_next_opening_skips_the_closures_read_with_the_page(session, people,
                                                                          near):
    """The next opening shown in search results (from now) skips a professional's leave and
    their place's closure, read by the page's own statement, whichever plan built the page
    (by name, or nearest first); a colleague with neither opens on the first working day."""
    today = datetime.now(PARIS).date()
    reopening = today + timedelta(days=4)
    add_closure(session, None, {"starts_on": today - timedelta(days=1), "ends_on": today
                                + timedelta(days=3), "reason": "congés"},
                professional_id=people["paris"])
    msp_place = session.execute(text("SELECT place_id FROM practice_site WHERE "
                                     "professional_id = :p"), {"p": people["msp"]}).scalar_one()
    add_closure(session, None, {"starts_on": today, "ends_on": today + timedelta(days=3)},
                place_id=msp_place)
    session.commit()

    def first_working_day(day: date) -> date:
        off = holidays.France(years=[day.year, day.year + 1])
        while day.isoweekday() > 5 or day in off:
            day += timedelta(days=1)
        return day

    found = {r["id"]: r["next_slot"] for r in search_professionals(
        session, SearchQuery(near=near, cpts=people["cpts"], limit=50))}
    for name in ("paris", "msp"):
        assert found[people[name]]["starts_at"][:10] == first_working_day(reopening).isoformat()
    # no closure: today before 18:00 on a working day, else the next working day
    now = datetime.now(PARIS)
    expected = first_working_day(today if now.hour < 18 else today + timedelta(days=1))
    assert found[people["away"]]["starts_at"][:10] == expected.isoformat()
