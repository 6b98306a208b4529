"""The permanences of a CPTS as files others subscribe to or open: an iCalendar feed
(RFC 5545) and a CSV export. Both take the rows of ``upcoming_permanences`` (public fields only).

iCalendar: one ``VCALENDAR`` (``PRODID``, ``VERSION``, ``X-WR-CALNAME``, a ``VTIMEZONE`` for
Europe/Paris built by ``icalendar`` from zoneinfo over the feed's years), one ``VEVENT`` per
permanence: ``UID`` ``permanence-<id>@<host>`` (stable for the permanence's life), ``DTSTAMP``
and ``LAST-MODIFIED`` its last change (so an unchanged feed is byte-identical: ETag),
``SEQUENCE`` its number of changes, ``DTSTART``/``DTEND`` with ``TZID=Europe/Paris``, ``SUMMARY``,
``LOCATION`` (name and address), ``GEO``, ``DESCRIPTION`` (appointment mode, capacity, phone,
notes) and ``URL`` (the public page).

CSV columns (UTF-8 with a BOM so Excel reads the accents, ``;`` separator and decimal commas as
French spreadsheets expect; cells a spreadsheet would run as formulas are neutralised):
``CSV_COLUMNS``.
"""
from __future__ import annotations

import csv
import functools
import io
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, Timezone, vDuration, vGeo

from ...vocab import LOCAL_TIMEZONE
from .calendar import PARIS

PRODID = "-//Carto CPTS//Permanences//FR"
#: The CSV export's columns, in order (documented in the README).
CSV_COLUMNS = ("id", "campagne", "type_campagne", "date", "debut", "fin", "lieu", "type_lieu",
               "adresse", "code_postal", "commune", "latitude", "longitude", "telephone",
               "accessible", "rendez_vous", "capacite", "notes", "url")


@functools.lru_cache(maxsize=32)
def _vtimezone(first_year: int, last_year: int) -> Timezone:
    """Europe/Paris over whole years (cached: only read afterwards)."""
    return Timezone.from_tzid(LOCAL_TIMEZONE, first_date=date(first_year, 1, 1),
                              last_date=date(last_year + 1, 1, 1))


def _location(name, address, postcode, commune) -> str:
    parts = [name, address]
    town = " ".join(p for p in (postcode, commune) if p)
    if town and town not in (address or ""):
        parts.append(town)
    return ", ".join(p for p in parts if p)


def _description(appointment: str, capacity, phone, notes) -> str:
    lines = [appointment]
    if capacity:
        lines.append(f"Capacité : {capacity} personnes")
    if phone:
        lines.append(f"Téléphone : {phone}")
    if notes:
        lines.append(notes)
    return "\n".join(lines)


@functools.lru_cache(maxsize=20_000)
def _event_ical(uid: str, updated_at: datetime, sequence: int, starts_at: datetime,
                ends_at: datetime, summary: str, location: str, geo: tuple | None,
                description: str, url: str) -> bytes:
    """One VEVENT serialised by ``icalendar``; cached by its content (the library takes about
    0.4 ms per event: a feed rebuilds only the events that changed)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", updated_at)
    event.add("last-modified", updated_at)
    event.add("sequence", sequence)
    event.add("dtstart", starts_at.astimezone(PARIS))
    event.add("dtend", ends_at.astimezone(PARIS))
    event.add("summary", summary)
    event.add("location", location)
    if geo is not None:
        event.add("geo", vGeo(geo))
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event.to_ical()


def _event(row: dict, host: str, page_url: str, appointment_labels: dict[str, str]) -> bytes:
    place = row["place"]
    geo = None if place["lat"] is None else (round(place["lat"], 6), round(place["lon"], 6))
    return _event_ical(
        f"permanence-{row['id']}@{host}", row["updated_at"], row["sequence"], row["starts_at"],
        row["ends_at"], f"{row['campaign']['name']} : {place['name']}",
        _location(place["name"], place["address"], place["postcode"], place["commune_name"]),
        geo, _description(appointment_labels.get(row["appointment"], row["appointment"]),
                          row["capacity"], place["phone"], row["notes"]),
        f"{page_url}#permanence-{row['id']}")


def ics_feed(rows: list[dict], *, name: str, host: str, page_url: str,
             appointment_labels: dict[str, str]) -> bytes:
    """The feed of ``rows`` named ``name`` (``X-WR-CALNAME``); ``host`` makes the UIDs, events
    link to ``page_url``."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", LOCAL_TIMEZONE)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(timedelta(hours=6)))
    years = [r["on_date"].year for r in rows] or [date.today().year]
    cal.add_component(_vtimezone(min(years), max(years)))
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    events = b"".join(_event(r, host, page_url, appointment_labels) for r in rows)
    return head + events + b"END:VCALENDAR" + end


def _cell(value):
    """Decimals with a comma; text a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, float):
        return repr(round(value, 6)).replace(".", ",")
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def permanences_csv(rows: list[dict], page_url: str) -> str:
    """The rows as CSV text, BOM first (``CSV_COLUMNS``; codes for kinds and modes)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        p = r["place"]
        writer.writerow([_cell(v) for v in (
            r["id"], r["campaign"]["name"], r["campaign"]["kind"], r["on_date"],
            r["start"].strftime("%H:%M"), r["end"].strftime("%H:%M"), p["name"], p["kind"],
            p["address"], p["postcode"], p["commune_name"], p["lat"], p["lon"], p["phone"],
            p["accessible"], r["appointment"], r["capacity"], r["notes"],
            f"{page_url}#permanence-{r['id']}")])
    return buf.getvalue()
