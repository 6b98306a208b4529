"""Real data: the ARS officer of Provence-Alpes-Côte d'Azur (région 93) opens /ars on the real
PACA list (../shared/data) and finds the Nice and Toulon overlaps first, their claimants named
with the shared commune's name and code; the project page of a Nice CPTS lists both others."""
from __future__ import annotations

import re

import pytest

from mapper import create_app
from mapper.db import get_db
from tests.support import make_settings

pytestmark = pytest.mark.realdata


@pytest.fixture()
def paca_client(paca_database):
    app = create_app(make_settings(str(paca_database.engine.url.render_as_string(
        hide_password=False))))
    client = app.test_client()
    from mapper.services.accounts import create_account
    from mapper.services.accounts.sessions import open_session

    with get_db(app).session_scope() as session:
        account, _ = create_account(session, email=f"ars93-{id(client)}@example.org",
                                    role="ars", actor="test", regions=["93"])
        token = open_session(session, account)
    with client.session_transaction() as cookie:
        cookie["sid"] = token
    return client


def test_nice_overlaps_come_first(paca_client):
    resp = paca_client.get("/ars")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:500]
    names = re.findall(r'class="queue-link" href="[^"]+">([^<]+)</a>', html)
    assert len(names) == 20 and "70 CPTS dans la région" in html
    first = names[:5]
    assert sum("Nice" in n for n in first) == 3 and sum("Toulon" in n for n in first) == 2
    assert "Nice (06088)" in html and "Toulon (83137)" in html
    nice = next(n for n in first if "Nice" in n)
    slug = re.search(rf'href="(/ars/projets/[^"]+)">{re.escape(nice)}<', html).group(1)
    page = paca_client.get(slug).get_data(as_text=True)
    others = [n for n in first if "Nice" in n and n != nice]
    assert all(f"Avec {o.replace(chr(39), '&#39;')}" in page for o in others)
    assert "Nice (06088)" in page
