"""A small world for the rota: communes, two CPTS (Sud with five members, Est with one), a
place of Sud, an outsider; accounts of every role; the rota's use cases called as the API and
the pages call them."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import CSRF_TOKEN

from mapper.auth.principal import Principal
from mapper.models import Place
from tests.factories.world import WorldBuilder
from tests.support import make_settings

ORIGIN = (2.25, 48.80)


@dataclass
class RotaWorld:
    sud: object
    est: object
    pros: dict  # key -> professional id
    place: int
    other_place: int

    @property
    def rotation(self) -> list[int]:
        return [self.pros[k] for k in ("gp", "nurse", "physio", "gp2")]


def _place(session, cpts_id: int, name: str) -> int:
    place = Place(cpts_id=cpts_id, name=name, kind="msp", address="1 place de la Mairie",
                  geocode_status="pending")
    session.add(place)
    session.flush()
    return place.id


def build(session, tmp_path) -> RotaWorld:
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", ORIGIN, 3, 0.05)
    sud = w.cpts("CPTS Sud", ["75001", "75002", "75004"], validated=True)
    est = w.cpts("CPTS Est", ["75003", "75006"])
    pros = {}
    for key, first, last, profession, rpps, lat in (
            ("gp", "Bernard", "Durand", "10", "10000000002", 48.82),
            ("nurse", "Anaïs", "Martin", "60", "10000000001", 48.821),
            ("physio", "Chloé", "Petit", "70", "10000000003", 48.822),
            ("gp2", "Dina", "Roux", "10", "10000000004", 48.823),
            ("pharmacist", "Émile", "Faure", "21", "10000000005", 48.824)):
        pros[key] = w.professional(first_name=first, last_name=last, profession=profession,
                                   rpps=rpps, site=(lat, 2.27), phone="01 45 00 00 00",
                                   cpts=[sud.id])
    pros["est"] = w.professional(first_name="Gaël", last_name="Blanc", profession="10",
                                 rpps="10000000006", site=(48.86, 2.33), cpts=[est.id])
    pros["outsider"] = w.professional(first_name="Hugo", last_name="Noir", profession="10",
                                      rpps="10000000007", site=(48.9, 2.4), cpts=[])
    world = RotaWorld(sud, est, pros, _place(session, sud.id, "MSP du Sud"),
                      _place(session, est.id, "MSP de l'Est"))
    session.commit()
    return world


@pytest.fixture()
def rw(session, tmp_path) -> RotaWorld:
    return build(session, tmp_path)


@pytest.fixture()
def coordinator(rw) -> Principal:
    return Principal(account_id=None, email="coord", role="coordinator", cpts_id=rw.sud.id)


CSRF = CSRF_TOKEN
