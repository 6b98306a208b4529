"""The iCalendar feeds and the CSV export over real HTTP (a live server on its own database):
parsed back with ``icalendar`` and with ``vobject``; times across both DST changes; stable
UIDs, SEQUENCE after a change, ETag; campaigns that are not public never appear."""
from __future__ import annotations

import csv
import io
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, time, timedelta, timezone

import icalendar
import pytest
import vobject

from mapper import create_app
from mapper.db import get_db
from mapper.services.accounts import create_account
from mapper.services.directory.permanence_files import CSV_COLUMNS
from tests.factories.world import WorldBuilder
from tests.support import bearer, make_settings

from .conftest import ORIGIN, add_campaign, add_permanence, add_place

YEAR = date.today().year + 1


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


AUTUMN, SPRING = last_sunday(YEAR, 10), last_sunday(YEAR + 1, 3)
#: 09:00–12:00 the day before and after each DST change, and one at 14:00
DAYS = [AUTUMN - timedelta(days=1), AUTUMN + timedelta(days=1), SPRING - timedelta(days=1),
        SPRING + timedelta(days=1)]


@dataclass
class Site:
    url: str
    slug: str
    campaign: str
    hidden: str
    ids: list[int]
    token: str
    app: object = None


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory) -> Site:
    app = create_app(make_settings(database_factory("feeds")))
    with get_db(app).session_scope() as session:
        world = WorldBuilder(session, app.extensions["mapper.settings"],
                             tmp_path_factory.mktemp("feeds"))
        cpts = world.cpts("CPTS Feeds", world.communes("69", ORIGIN, 2, 0.05), validated=True)
        place = add_place(session, cpts.id, "Mairie ; salle = des fêtes", kind="mairie",
                          phone="0478000000", accessible=True)
        flu = add_campaign(session, cpts.id, "grippe", starts_on=date(YEAR, 10, 1),
                           ends_on=date(YEAR + 1, 4, 30))
        ids = [add_permanence(session, flu, day, place_id=place.id, notes="Carte Vitale",
                              capacity=30).id for day in DAYS]
        hidden = add_campaign(session, cpts.id, "interne", public=False, kind="depistage",
                              name="Dépistage réservé",
                              starts_on=date(YEAR, 10, 1), ends_on=date(YEAR + 1, 4, 30))
        add_permanence(session, hidden, DAYS[0], time(14), time(16), place_id=place.id)
        _, token = create_account(session, email="coord@example.org", role="coordinator",
                                  cpts_id=cpts.id, actor="test")
        out = Site("", cpts.slug, flu.slug, hidden.slug, ids, token)
    out.url, out.app = live_server_factory(app).url, app
    return out


def fetch(url: str, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_feed_parsed_back_by_icalendar(site):
    status, headers, body = fetch(f"{site.url}/cpts/{site.slug}/permanences.ics")
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["ETag"] and "max-age" in headers["Cache-Control"]
    cal = icalendar.Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0" and "Carto CPTS" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == "Permanences — CPTS Feeds"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = cal.walk("VEVENT")
    assert len(events) == len(DAYS)  # the campaign that is not public is not there
    for event, day in zip(events, DAYS):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert (start.date(), start.time(), end.time()) == (day, time(9), time(12))
        summer = day in (AUTUMN - timedelta(days=1), SPRING + timedelta(days=1))
        assert start.utcoffset() == timedelta(hours=2 if summer else 1)
        assert start.astimezone(timezone.utc).hour == (7 if summer else 8)
        assert str(event["SUMMARY"]).startswith("Vaccination antigrippale 2026-2027 : Mairie")
        assert "Mairie ; salle = des fêtes" in str(event["LOCATION"])
        assert "Sans rendez-vous" in str(event["DESCRIPTION"])
        assert "Carte Vitale" in str(event["DESCRIPTION"])
        assert event["GEO"].latitude == pytest.approx(45.72)
        assert str(event["URL"]).startswith(f"{site.url}/cpts/{site.slug}/permanences#")
        assert event.decoded("DTSTAMP").tzinfo is not None and event["SEQUENCE"] == 0


def test_feed_accepted_by_vobject(site):
    _, _, body = fetch(f"{site.url}/cpts/{site.slug}/campagnes/{site.campaign}/permanences.ics")
    cal = vobject.readOne(body.decode("utf-8"))
    events = cal.vevent_list
    assert len(events) == len(DAYS)
    assert [e.dtstart.value.date() for e in events] == DAYS
    assert {e.dtstart.value.hour for e in events} == {9}
    assert [e.dtstart.value.utcoffset().total_seconds() / 3600 for e in events] == [2, 1, 1, 2]
    assert cal.vtimezone.tzid.value == "Europe/Paris"
    assert all(e.uid.value.startswith("permanence-") for e in events)


def test_uids_stable_sequence_increments_and_etag(site):
    url = f"{site.url}/cpts/{site.slug}/permanences.ics"
    _, headers1, body1 = fetch(url)
    _, _, body2 = fetch(url)
    assert body1 == body2
    status, _, _ = fetch(url, {"If-None-Match": headers1["ETag"]})
    assert status == 304
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(body1).walk("VEVENT")]
    assert uids == [f"permanence-{i}@127.0.0.1" for i in site.ids]
    api = urllib.request.Request(
        f"{site.url}/api/v1/permanences/{site.ids[1]}", method="PATCH",
        data=b'{"start": "10:00", "end": "13:00"}',
        headers={"Content-Type": "application/json", **bearer(site.token)})
    with urllib.request.urlopen(api) as resp:
        assert resp.status == 200
    status, headers3, body3 = fetch(url, {"If-None-Match": headers1["ETag"]})
    assert status == 200 and headers3["ETag"] != headers1["ETag"]
    events = icalendar.Calendar.from_ical(body3).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == uids
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 0, 0]
    assert events[1].decoded("DTSTART").time() == time(10)


def test_hidden_campaign_has_no_feed(site):
    status, headers, body = fetch(
        f"{site.url}/cpts/{site.slug}/campagnes/{site.hidden}/permanences.ics")
    assert status == 404 and "Dépistage réservé".encode() not in body
    for path in ("permanences.ics", "permanences.csv"):
        assert "Dépistage réservé".encode() not in fetch(f"{site.url}/cpts/{site.slug}/{path}")[2]
    assert fetch(f"{site.url}/cpts/inconnue/permanences.ics")[0] == 404


def test_csv_export_parsed_back(site):
    status, headers, body = fetch(f"{site.url}/cpts/{site.slug}/permanences.csv")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in headers["Content-Disposition"]
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(DAYS)
    first = rows[0]
    assert first["date"] == DAYS[0].isoformat() and first["debut"] == "09:00"
    assert first["lieu"] == "Mairie ; salle = des fêtes" and first["type_lieu"] == "mairie"
    assert first["latitude"] == "45,72" and first["accessible"] == "oui"
    assert first["rendez_vous"] == "sans_rdv" and first["capacite"] == "30"
    assert first["type_campagne"] == "vaccination_grippe"
    assert all(r["campagne"] != "interne" and r["type_campagne"] != "depistage" for r in rows)


def test_a_renamed_place_reaches_the_feed(site):
    """The feed's ETag and cached body follow every column, a place's name included."""
    from sqlalchemy import text

    url = f"{site.url}/cpts/{site.slug}/permanences.ics"
    _, headers, _ = fetch(url)
    with get_db(site.app).session_scope() as session:
        session.execute(text("UPDATE place SET name = 'Salle Jean Moulin'"))
    status, headers2, body = fetch(url, {"If-None-Match": headers["ETag"]})
    assert status == 200 and headers2["ETag"] != headers["ETag"]
    assert b"Salle Jean Moulin" in body
