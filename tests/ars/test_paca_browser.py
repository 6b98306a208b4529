"""Real data in Chromium, on a phone and on a desk: the ARS officer of Provence-Alpes-Côte d'Azur
(région 93) signs in, opens /ars on the real PACA list (../shared/data, skipped when absent) and
finds the Nice overlaps first, opens a Nice project, sees its claimants on the map (the red
overlap shapes) and in the list, arbitrates Nice (06088) through the arbitration screen reached
from the page, then records a decision; each write is checked on the page and in the database,
and axe-core finds no serious violation on the queue, the project page and the arbitration
screen. The session's shared PACA database is put back as it was after each test.
Screenshots go to $MAPPER_SCREENSHOTS (default /tmp/paca-ars-shots)."""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from mapper import create_app
from mapper.auth.passwords import hash_password
from mapper.db import get_db
from mapper.models.conciliation import OverlapConciliation
from mapper.models.cpts import Arbitration, ArbitrationCpts, Cpts, CptsValidatedCommune
from mapper.services.accounts import create_account
from tests.support import PASSWORD, make_settings, serious_violations, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.realdata]
SHOTS = Path(os.environ.get("MAPPER_SCREENSHOTS", "/tmp/paca-ars-shots"))
EMAIL = f"ars93-{uuid.uuid4().hex[:8]}@example.org"
#: The tables an arbitration and a decision write (the audit log is append-only and kept).
WRITTEN = (ArbitrationCpts, Arbitration, OverlapConciliation, CptsValidatedCommune)


@pytest.fixture(scope="module")
def paca_site(paca_database, live_server_factory):
    app = create_app(make_settings(paca_database.engine.url.render_as_string(
        hide_password=False)))
    with get_db(app).session_scope() as session:
        account, _ = create_account(session, email=EMAIL, role="ars", actor="test",
                                    regions=["93"])
        account.password_hash = hash_password(PASSWORD)
    return live_server_factory(app).url


@pytest.fixture()
def restored(paca_database):
    """Snapshots what the test writes and puts it back, so later tests see the imported list."""
    with paca_database.session_scope() as session:
        saved = {t: [dict(r) for r in session.execute(select(t.__table__)).mappings()]
                 for t in WRITTEN}
        statuses = dict(session.execute(select(Cpts.id, Cpts.status)).all())
    yield paca_database
    with paca_database.session_scope() as session:
        for table in WRITTEN:
            session.execute(delete(table.__table__))
        for cpts_id, status in statuses.items():
            session.execute(update(Cpts).where(Cpts.id == cpts_id,
                                               Cpts.status != status).values(status=status))
        for table in reversed(WRITTEN):
            if saved[table]:
                session.execute(insert(table.__table__), saved[table])


def open_nice_project(page, url) -> str:
    """The queue shows the Nice and Toulon overlaps first; opens the first Nice row's page."""
    page.goto(f"{url}/ars")
    rows = page.locator(".queue-row")
    rows.first.wait_for()
    first = [rows.nth(i).inner_text() for i in range(5)]
    assert sum("Nice (06088)" in r for r in first) == 3, first
    assert sum("Toulon (83137)" in r for r in first) == 2, first
    nice = next(i for i, r in enumerate(first) if "Nice (06088)" in r)
    link = rows.nth(nice).locator(".queue-link")
    name = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert re.search(r"/ars/projets/[^/]+$", page.url), page.url
    assert page.locator("h1").inner_text() == name
    return name


def check_claimants(page, name: str, size: str) -> list[str]:
    """The map draws the overlap shape(s); the list names both other Nice claimants."""
    shapes = page.locator(".leaflet-cptsOverlaps-pane path")
    shapes.first.wait_for(state="attached")
    assert shapes.count() >= 1
    others = [re.sub(r"^Avec ", "", h).rsplit(" Projet de santé", 1)[0].strip()
              for h in page.locator(".card.overlap h3").all_inner_texts()]
    assert len(others) >= 2, others
    nice = page.locator(".shared li", has_text="Nice (06088)").first
    claimants = nice.inner_text()
    assert name in claimants and sum(o in claimants for o in others) >= 2, claimants
    page.locator(".page-map .map-frame").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"paca-nice-project-{size}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"paca-nice-map-{size}.png"))
    return [o for o in others if o in claimants]


def arbitrate_nice(page, site: str, size: str) -> None:
    link = page.locator("a:has-text('Arbitrer Nice')").first
    with page.expect_navigation():
        link.click()
    assert page.url.startswith(f"{site}/ars/communes/06088/arbitrage")
    assert "Arbitrage de la commune Nice (06088)" in page.locator("h1").inner_text()
    boxes = page.locator("input[name=cpts]")
    assert boxes.count() >= 3
    for i in range(boxes.count()):
        assert boxes.nth(i).is_checked()  # every claimant proposed when nothing is arbitrated
    page.fill("#motif", f"Partage de Nice par quartiers ({size})")
    with page.expect_navigation():
        page.click("button:has-text(\"Enregistrer l'arbitrage\")")
    page.wait_for_load_state()
    assert "Arbitrage enregistré." in page.locator(".flash").inner_text()
    assert "/ars/projets/" in page.url  # back to the project page
    assert "partage arbitré" in page.locator(".shared li", has_text="Nice (06088)").first \
        .inner_text()


def decide(page, size: str) -> tuple[str, str]:
    choice, label = ("rejete", "rejetée") if size == "phone" else ("valide", "validée")
    page.check(f"#decision-{choice}")
    page.fill("#motif", f"Décision sur {size} après arbitrage de Nice")
    with page.expect_navigation():
        page.click("button:has-text('Enregistrer la décision')")
    page.wait_for_load_state()
    return choice, label


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_nice_overlap_arbitration_and_decision(browser, paca_site, restored, size):
    with signed_in_page(browser, paca_site, EMAIL, size) as (page, guard):
        name = open_nice_project(page, paca_site)
        slug = page.url.rsplit("/", 1)[1]
        others = check_claimants(page, name, size)
        arbitrate_nice(page, paca_site, size)
        choice, label = decide(page, size)
        assert f"{name} : CPTS {label}." in page.locator(".flash").inner_text()
        assert f"Décision sur {size}" in page.locator(".history").inner_text()
        guard.assert_clean()
    with restored.session_scope() as session:
        arbitration = session.scalar(select(Arbitration).where(
            Arbitration.commune_code == "06088"))
        assert arbitration is not None and size in arbitration.reason
        members = set(session.scalars(select(Cpts.name).join(
            ArbitrationCpts, ArbitrationCpts.cpts_id == Cpts.id).where(
            ArbitrationCpts.arbitration_id == arbitration.id)))
        assert {name, *others} <= members
        assert session.scalar(select(Cpts.status).where(Cpts.slug == slug)) == choice


@pytest.mark.parametrize("where", ["queue", "project", "arbitration"])
def test_accessibility(browser, paca_site, where):
    with signed_in_page(browser, paca_site, EMAIL, "phone", bypass_csp=True) as (page, _):
        if where == "project":
            open_nice_project(page, paca_site)
        else:
            page.goto(f"{paca_site}/ars" if where == "queue"
                      else f"{paca_site}/ars/communes/06088/arbitrage")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []
