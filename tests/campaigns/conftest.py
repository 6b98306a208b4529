"""Fixtures of the campaign tests: a grid of communes, a CPTS, a place and a professional's
site, and helpers writing campaigns and permanences directly with the models (the use cases are
tested on their own)."""
from __future__ import annotations

from datetime import date, time

import pytest

from tests.conftest import CSRF_TOKEN
from geoalchemy2.elements import WKTElement

from mapper.models import Campaign, Permanence, Place, PracticeSite
from mapper.services.directory.calendar import wall_instants
from tests.factories.world import WorldBuilder

ORIGIN = (4.85, 45.70)


@pytest.fixture()
def world(session, settings, tmp_path) -> WorldBuilder:
    return WorldBuilder(session, settings, tmp_path)


@pytest.fixture()
def cpts(session, world):
    codes = world.communes("69", ORIGIN, 3, 0.05)
    cpts = world.cpts("CPTS Campagnes", codes[:4], validated=True)
    session.commit()
    return cpts


def add_place(session, cpts_id, name="Centre de santé Pasteur", *, lat=45.72, lon=4.87,
              **fields) -> Place:
    place = Place(cpts_id=cpts_id, name=name, kind=fields.pop("kind", "centre_sante"),
                  address=fields.pop("address", "3 rue Pasteur"), postcode="69200",
                  commune_name=fields.pop("commune_name", "Vénissieux"),
                  geom=WKTElement(f"POINT({lon} {lat})", srid=4326), precision="address",
                  geocode_source="given", geocode_status="ok", **fields)
    session.add(place)
    session.flush()
    return place


def add_campaign(session, cpts_id, slug="grippe-2026", *, public=True,
                 starts_on=date(2026, 10, 1), ends_on=date(2027, 2, 28),
                 kind="vaccination_grippe", name="Vaccination antigrippale 2026-2027"
                 ) -> Campaign:
    campaign = Campaign(cpts_id=cpts_id, slug=slug, name=name, kind=kind, starts_on=starts_on,
                        ends_on=ends_on, public=public)
    session.add(campaign)
    session.flush()
    return campaign


def add_permanence(session, campaign, day: date, start=time(9), end=time(12), *,
                   place_id=None, site_id=None, **fields) -> Permanence:
    starts_at, ends_at = wall_instants(day, start, end)
    permanence = Permanence(campaign_id=campaign.id, place_id=place_id, site_id=site_id,
                            on_date=day, start_time=start, end_time=end, starts_at=starts_at,
                            ends_at=ends_at, appointment=fields.pop("appointment", "sans_rdv"),
                            sequence=0, **fields)
    session.add(permanence)
    session.flush()
    return permanence


@pytest.fixture()
def place(session, cpts):
    return add_place(session, cpts.id)


@pytest.fixture()
def site_id(session, world):
    professional_id = world.professional(site=(45.71, 4.86), address="8 avenue Jean Jaurès",
                                         first_name="Julie", last_name="Perrin",
                                         phone="0478000000", private_phone="0600000001",
                                         accessible=True)
    session.flush()
    return session.query(PracticeSite.id).filter_by(professional_id=professional_id).scalar()


TOKEN = CSRF_TOKEN
