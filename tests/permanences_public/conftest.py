"""A small world for the public permanence pages: a CPTS on a 4×4 grid of communes, places
(one whose name is markup), a public flu campaign with upcoming permanences, a public
screening campaign, a private campaign (never shown)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest

from tests.factories.world import WorldBuilder
from tests.support import make_settings

from .builders import campaign, permanence, place

ORIGIN = (2.25, 48.80)
EVIL = '<script>alert("x")</script> Salle <b>des fêtes</b>'


@dataclass
class PermWorld:
    slug: str
    cpts_id: int
    flu_slug: str
    flu_id: int
    private_id: int


def seed(session, tmp_path) -> PermWorld:
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    codes = w.communes("75", ORIGIN, 4, 0.05)
    cpts = w.cpts("CPTS Paris Essai", codes, website="https://cpts-essai.example.org")
    today = date.today()
    flu = campaign(session, cpts.id, "grippe", starts_on=today - timedelta(days=30),
                   ends_on=today + timedelta(days=150))
    screening = campaign(session, cpts.id, "depistage", name="Dépistage du diabète",
                         kind="depistage", starts_on=today - timedelta(days=30),
                         ends_on=today + timedelta(days=150))
    private = campaign(session, cpts.id, "interne", name="Campagne interne secrète",
                       starts_on=today - timedelta(days=30),
                       ends_on=today + timedelta(days=150), public=False)
    centre = place(session, cpts.id, "Centre de santé Daguerre", 48.83, 2.32,
                   address="10 rue Daguerre", postcode="75014", commune_name="Paris",
                   phone="01 45 00 00 10", accessible=True)
    evil = place(session, cpts.id, EVIL, 48.86, 2.40, kind="mairie",
                 address="<img src=x onerror=alert(1)>", phone="01 45 00 00 11")
    pharmacy = place(session, cpts.id, "Pharmacie du Parc", 48.90, 2.28, kind="pharmacie")
    permanence(session, flu, centre, today + timedelta(days=1), time(9), time(12),
               notes="Apportez votre carte Vitale.")
    permanence(session, flu, centre, today + timedelta(days=3), time(14), time(18),
               appointment="sur_rdv")
    permanence(session, flu, evil, today + timedelta(days=1), time(14), time(17),
               notes='<script>alert("notes")</script>')
    permanence(session, flu, centre, today - timedelta(days=5), time(9), time(12))  # past
    permanence(session, screening, pharmacy, today + timedelta(days=2), time(10), time(12),
               appointment="les_deux")
    permanence(session, private, pharmacy, today + timedelta(days=2), time(15), time(16))
    session.commit()
    return PermWorld(cpts.slug, cpts.id, flu.slug, flu.id, private.id)


@pytest.fixture()
def perm_world(session, tmp_path) -> PermWorld:
    return seed(session, tmp_path)
