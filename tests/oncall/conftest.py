"""The on-call tests' world: two CPTS, a pharmacist and three on-call professionals of
« CPTS Sud » at known points, a professional of « CPTS Est », and one account per role."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from mapper.auth.passwords import hash_password
from tests.factories.world import WorldBuilder
from tests.support import make_settings

PASSWORD = "correct horse battery staple"
#: The pharmacy (its site is the origin of the distances).
PHARMACY = (48.830, 2.320)


@dataclass
class OncallWorld:
    cpts: dict
    slugs: dict
    pros: dict
    sites: dict = field(default_factory=dict)


def seed(session, tmp_path) -> OncallWorld:
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", (2.25, 48.80), 4, 0.05)
    sud = w.cpts("CPTS Sud", ["75001", "75002", "75005", "75006"], validated=True)
    est = w.cpts("CPTS Est", ["75004", "75008"])
    pros = {
        "pharmacist": w.professional(first_name="Paul", last_name="Pharma", profession="21",
                                     site=PHARMACY, address="1 place de la Pharmacie",
                                     cpts=[sud.id]),
        "nurse": w.professional(first_name="Anaïs", last_name="Martin", profession="60",
                                site=(48.832, 2.322), address="10 rue Daguerre",
                                phone="01 45 00 00 00", private_phone="06 11 22 33 44",
                                cpts=[sud.id]),
        "doctor": w.professional(first_name="Bernard", last_name="Durand", profession="10",
                                 site=(48.860, 2.360), address="3 avenue du Maine",
                                 phone="01 45 00 00 01", cpts=[sud.id]),
        "physio": w.professional(first_name="Chloé", last_name="Petit", profession="70",
                                 site=(48.845, 2.335), address="1 place Denfert",
                                 phone="01 45 00 00 02", cpts=[sud.id]),
        "other": w.professional(first_name="Olga", last_name="Autre", profession="60",
                                site=(48.85, 2.45), address="5 rue de l'Est",
                                phone="01 45 00 00 03", cpts=[est.id]),
    }
    session.commit()
    return OncallWorld(cpts={"sud": sud.id, "est": est.id},
                       slugs={"sud": sud.slug, "est": est.slug}, pros=pros)


@pytest.fixture()
def world(session, tmp_path) -> OncallWorld:
    return seed(session, tmp_path)


def role_scopes(world: OncallWorld) -> dict:
    """Every role the rules name → (role, scope) of its account."""
    return {
        "pharmacist": ("professional", {"professional_id": world.pros["pharmacist"]}),
        "holder": ("professional", {"professional_id": world.pros["nurse"]}),
        "other_pro": ("professional", {"professional_id": world.pros["other"]}),
        "coordinator": ("coordinator", {"cpts_id": world.cpts["sud"]}),
        "other_coordinator": ("coordinator", {"cpts_id": world.cpts["est"]}),
        "ars": ("ars", {"regions": ["11"]}),
        "other_ars": ("ars", {"regions": ["84"]}),
        "admin": ("admin", {}),
    }


def make_accounts(session, world: OncallWorld, *, passwords: bool = False) -> dict:
    """One account per role of ``role_scopes``: name → (account, token)."""
    from mapper.services.accounts import create_account

    out = {}
    for name, (role, scope) in role_scopes(world).items():
        account, token = create_account(session, email=f"{name}@example.org", role=role,
                                        actor="test", **scope)
        if passwords:
            account.password_hash = hash_password(PASSWORD)
        out[name] = (account, token)
    session.commit()
    return out
