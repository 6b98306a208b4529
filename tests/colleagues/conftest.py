"""The colleagues' world (issue 17): two CPTS, a nurse of CPTS Sud at her practice, physiotherapists
around her (one of Sud who takes referrals, a nearer one of Sud who does not, one of CPTS Est),
a doctor of Sud; every one with professional-only fields, so that a leak shows."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories.world import WorldBuilder
from tests.support import make_settings

ORIGIN = (2.25, 48.80)
STEP = 0.05
NURSE_SITE = (48.831, 2.321)


@dataclass
class Colleagues:
    cpts: dict
    slugs: dict
    pros: dict


def professional_only(key: str, takes: bool | None = True) -> dict:
    """Distinct professional-only values per entry (searched for in every public payload)."""
    return {"private_phone": f"06 99 00 00 {len(key):02d}", "mssante": f"{key}@kine.mssante.fr",
            "referral_preference": "mssante", "takes_referrals": takes,
            "colleague_note": f"Note-confidentielle-{key}"}


def seed_colleagues(session, tmp_path) -> Colleagues:
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", ORIGIN, 4, STEP)
    sud = w.cpts("CPTS Sud", ["75001", "75002", "75005", "75006"], validated=True)
    est = w.cpts("CPTS Est", ["75004", "75008"])
    pros = {
        "nurse": w.professional(first_name="Anaïs", last_name="Martin", profession="60",
                                site=NURSE_SITE, cpts=[sud.id], **professional_only("nurse")),
        "physio": w.professional(first_name="Chloé", last_name="Petit", profession="70",
                                 site=(48.836, 2.326), cpts=[sud.id], phone="01 40 00 00 70",
                                 competencies=["pediatrie"], **professional_only("physio")),
        "busy": w.professional(first_name="Denis", last_name="Roux", profession="70",
                               site=(48.832, 2.322), cpts=[sud.id],
                               **professional_only("busy", takes=False)),
        "other": w.professional(first_name="Eve", last_name="Blanc", profession="70",
                                site=(48.833, 2.323), cpts=[est.id],
                                **professional_only("other")),
        "doctor": w.professional(first_name="Bernard", last_name="Durand", profession="10",
                                 site=(48.84, 2.33), cpts=[sud.id], **professional_only("doctor")),
    }
    session.commit()
    return Colleagues(cpts={"sud": sud.id, "est": est.id},
                      slugs={"sud": sud.slug, "est": est.slug}, pros=pros)


@pytest.fixture()
def world(session, tmp_path) -> Colleagues:
    return seed_colleagues(session, tmp_path)


#: The professional-only values of the world, none of which may reach a public payload.
SECRETS = ("06 99 00 00", "mssante.fr", "Note-confidentielle")
