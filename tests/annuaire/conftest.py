"""Fixtures of the Annuaire Santé import tests: the stand-in API with a small département
(Paris 14e) spread over several pages, and the import run against it with the real client."""
from __future__ import annotations

import pytest

from mapper.db import get_db
from mapper.imports.annuaire_sante import AnnuaireClient, import_annuaire_sante

from .standin import AnnuaireStandIn, organization, practitioner, practitioner_role

KEY = "good-key"


def populate(api: AnnuaireStandIn) -> None:
    api.organizations = [
        organization("org-1", "CABINET DIDOT", siret="12345678900011", number="96",
                     street="DIDOT"),
        organization("org-2", "CENTRE DE SANTE RAYMOND LOSSERAND", finess="750012345",
                     number="8", street="RAYMOND LOSSERAND", street_type="R"),
        organization("org-3", "PHARMACIE DE LA PAIX", finess="750054321", number="12"),
        organization("org-92", "CABINET DE MONTROUGE", postcode="92120", insee="92049",
                     city="MONTROUGE"),
    ]
    api.practitioners = [
        practitioner("p-1", "10001234567", "DUPONT", "Hélène",
                     specialty=("SM54", "Médecine générale (SM)")),
        practitioner("p-2", "10002222222", "MARTIN", "Anaïs", prefix="MME", profession="60"),
        practitioner("p-3", "10003333333", "DURAND", "Paul", profession="21", prefix="M"),
        practitioner("p-4", "10004444444", "LEROY", "Claire", profession="70", prefix="MME"),
        practitioner("p-5", "10005555555", "AILLEURS", "Jean"),
    ]
    api.roles = [
        practitioner_role("r-1", "p-1", "org-1"),
        practitioner_role("r-2", "p-1", "org-2"),  # second site of the same GP
        practitioner_role("r-3", "p-2", "org-2"),
        practitioner_role("r-4", "p-3", "org-3"),
        practitioner_role("r-5", "p-4", "org-1"),
        practitioner_role("r-6", "p-5", "org-92"),  # Hauts-de-Seine: not asked for
        practitioner_role("r-7", "p-2", "org-3", active=False),
    ]


@pytest.fixture()
def api():
    server = AnnuaireStandIn(api_key=KEY)
    populate(server)
    with server:
        yield server


@pytest.fixture()
def sessions(app, connection):
    """Transactions of the import, inside the test's rolled-back outer transaction."""
    return get_db(app).session_scope


@pytest.fixture()
def run(api, sessions):
    """``run(key=…, retries=…, profession=…)``: one import of département 75, 2 per page."""

    def go(key: str = KEY, retries: int = 0, profession: str | None = None, rate: float = 100.0):
        client = AnnuaireClient(api.base, key, rate=rate, retries=retries, timeout=5)
        report = import_annuaire_sante(sessions, client, "75", profession, page_size=2)
        report.client = client
        return report

    return go
