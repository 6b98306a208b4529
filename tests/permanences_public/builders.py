"""Campaigns, places and permanences for the public-side tests, written as rows (the
campaign use cases belong to another part; these tests read what such rows show)."""
from __future__ import annotations

from datetime import date, time

from geoalchemy2.shape import from_shape
from shapely.geometry import Point

from mapper.models import Campaign, Permanence, Place
from mapper.services.directory.calendar import wall_instants


def place(session, cpts_id: int, name: str, lat: float, lon: float, **fields) -> Place:
    row = Place(cpts_id=cpts_id, name=name, kind=fields.pop("kind", "centre_sante"),
                address=fields.pop("address", "1 place de la Mairie"),
                geom=from_shape(Point(lon, lat), srid=4326), precision="address",
                geocode_source="given", geocode_status="ok", **fields)
    session.add(row)
    session.flush()
    return row


def campaign(session, cpts_id: int, slug: str = "grippe-2026", *,
             name: str = "Vaccination antigrippale 2026-2027", kind: str = "vaccination_grippe",
             starts_on: date = date(2026, 10, 1), ends_on: date = date(2027, 2, 28),
             public: bool = True, description: str | None = None) -> Campaign:
    row = Campaign(cpts_id=cpts_id, slug=slug, name=name, kind=kind, starts_on=starts_on,
                   ends_on=ends_on, public=public, description=description)
    session.add(row)
    session.flush()
    return row


def permanence(session, campaign_row: Campaign, place_row: Place, day: date,
               start: time = time(9), end: time = time(12), **fields) -> Permanence:
    starts_at, ends_at = wall_instants(day, start, end)
    row = Permanence(campaign_id=campaign_row.id, place_id=place_row.id, on_date=day,
                     start_time=start, end_time=end, starts_at=starts_at, ends_at=ends_at,
                     **fields)
    session.add(row)
    session.flush()
    return row
