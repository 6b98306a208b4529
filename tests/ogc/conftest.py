"""The world of the OGC API tests: the page tests' communes, CPTS and professionals
(tests.web.conftest.seed), a place, a public campaign with one permanence there and a
private campaign whose permanence no layer may show."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.campaigns.conftest import add_campaign, add_permanence, add_place
from tests.web.conftest import World, seed


@dataclass
class OgcWorld:
    base: World
    place: int
    permanence: int
    hidden_permanence: int

    @property
    def cpts(self):
        return self.base.cpts

    @property
    def pros(self):
        return self.base.pros


def seed_ogc(session, tmp_path) -> OgcWorld:
    base = seed(session, tmp_path)
    place = add_place(session, base.cpts["sud"], "MSP du Parc", lat=48.83, lon=2.32,
                      commune_code="75006", kind="msp", notes="code porte 1234")
    public = add_campaign(session, base.cpts["sud"])
    hidden = add_campaign(session, base.cpts["sud"], "interne", public=False,
                          name="Campagne interne")
    shown = add_permanence(session, public, date(2026, 11, 3), place_id=place.id)
    secret = add_permanence(session, hidden, date(2026, 11, 4), place_id=place.id)
    session.commit()
    return OgcWorld(base, place.id, shown.id, secret.id)


@pytest.fixture()
def world(session, tmp_path) -> OgcWorld:
    return seed_ogc(session, tmp_path)
