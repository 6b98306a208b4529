"""The FHIR tests' world: one CPTS with five professionals (RPPS numbers, a private phone that
must never show), a place with a FINESS number, and shifts over the next days."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import pytest

from mapper.services.directory.calendar import PARIS
from mapper.services.directory.places import create_place
from tests.factories.shifts import make_shift
from tests.factories.world import WorldBuilder
from tests.support import make_settings

PRIVATE = "06 99 88 77 66"


@dataclass
class FhirWorld:
    cpts_id: int
    slug: str
    pros: dict
    place_id: int
    shifts: dict


def _pros(w: WorldBuilder, cpts_id: int) -> dict:
    common = {"private_phone": PRIVATE, "cpts": [cpts_id]}
    return {
        "nurse": w.professional(first_name="Anaïs", last_name="Martin", profession="60",
                                rpps="10000000001", site=(48.832, 2.322),
                                address="10 rue Daguerre", postcode="75014", commune="75001",
                                phone="01 45 00 00 00", home_visits=True,
                                accepts_new_patients=True, **common),
        "doctor": w.professional(first_name="Bernard", last_name="Durand", profession="10",
                                 rpps="10000000002", site=(48.860, 2.360),
                                 address="3 avenue du Maine", postcode="75015",
                                 commune="75002", phone="01 45 00 00 01", **common),
        "physio": w.professional(first_name="Chloé", last_name="Petit", profession="70",
                                 rpps="10000000003", site=(48.845, 2.335),
                                 address="1 place Denfert", postcode="75014",
                                 commune="75001", **common),
        "pharmacist": w.professional(first_name="Paul", last_name="Pharma", profession="21",
                                     rpps="10000000004", site=(48.830, 2.320),
                                     address="1 place de la Pharmacie", postcode="75014",
                                     commune="75001", **common),
        "nurse2": w.professional(first_name="Élodie", last_name="Martinez", profession="60",
                                 site=(48.90, 2.40), address="5 rue du Nord",
                                 postcode="75018", commune="75006", **common),
    }


def seed(session, tmp_path) -> FhirWorld:
    settings = make_settings("postgresql://unused")
    w = WorldBuilder(session, settings, tmp_path)
    w.communes("75", (2.25, 48.80), 3, 0.05)
    cpts = w.cpts("CPTS Sud", ["75001", "75002", "75005"], validated=True)
    pros = _pros(w, cpts.id)
    place = create_place(session, {"name": "MSP Daguerre", "kind": "msp", "finess": "750000001",
                                   "address": "12 rue Daguerre", "postcode": "75014",
                                   "lat": 48.8335, "lon": 2.3235, "cpts": cpts.id,
                                   "notes": "code porte 1234"},
                         None, settings, audit_actor="tests")
    today = datetime.now(timezone.utc).astimezone(PARIS).date()
    shifts = {
        "free_tomorrow": make_shift(session, cpts.id, pros["doctor"], today + timedelta(days=1),
                                    time(20, 0), time(23, 0), free_places=2,
                                    note="note privée").id,
        "busy_tomorrow": make_shift(session, cpts.id, pros["nurse"], today + timedelta(days=1),
                                    time(9, 0), time(12, 0), free_places=0).id,
        "free_in_2_days": make_shift(session, cpts.id, pros["nurse"], today + timedelta(days=2),
                                     time(9, 0), time(12, 0), free_places=1).id,
        "free_in_5_days": make_shift(session, cpts.id, pros["physio"], today + timedelta(days=5),
                                     time(9, 0), time(12, 0), free_places=3).id,
    }
    session.commit()
    return FhirWorld(cpts.id, cpts.slug, pros, place["id"], shifts)


@pytest.fixture()
def world(session, tmp_path) -> FhirWorld:
    return seed(session, tmp_path)
