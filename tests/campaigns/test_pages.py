"""The coordinator's campaign pages through the test client: create a campaign, add, edit and
delete permanences; refusals re-render the form with the French reason and write nothing;
only the CPTS's coordinator and admins get in."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from mapper.models import Campaign, Permanence

from .conftest import TOKEN, add_campaign, add_permanence


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_coordinator_runs_a_campaign_from_the_pages(client, session, cpts, place, sign_in):
    sign_in("coordinator", cpts_id=cpts.id)
    page = client.get(f"/cpts/{cpts.slug}/campagnes")
    assert page.status_code == 200 and "Nouvelle campagne" in page.get_data(as_text=True)
    resp = client.post(f"/cpts/{cpts.slug}/campagnes", data={
        "csrf_token": TOKEN, "nom": "Vaccination antigrippale 2026-2027",
        "type": "vaccination_grippe", "debut": "2026-10-01", "fin": "2027-02-28",
        "publique": "1"})
    assert resp.status_code == 302
    url = resp.headers["Location"]
    assert url.endswith("/campagnes/vaccination-antigrippale-2026-2027")
    html = client.get(url).get_data(as_text=True)
    assert "Ajouter une permanence" in html and place.name in html
    resp = client.post(url + "/permanences", data={
        "csrf_token": TOKEN, "lieu": f"place:{place.id}", "date": "2026-12-12",
        "debut": "09:00", "fin": "12:30", "rendez_vous": "sur_rdv", "capacite": "25",
        "notes": "Carte Vitale"})
    assert resp.status_code == 302 and f"lieu=place:{place.id}" in resp.headers["Location"]
    permanence = session.scalars(select(Permanence)).one()
    assert (permanence.capacity, permanence.appointment) == (25, "sur_rdv")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Permanence ajoutée." in html and "09:00–12:30" in html
    assert f'<option value="place:{place.id}" selected>' in html  # the next one is alike
    resp = client.post(f"{url}/permanences/{permanence.id}", data={
        "csrf_token": TOKEN, "lieu": f"place:{place.id}", "date": "2026-12-13",
        "debut": "14:00", "fin": "17:00", "rendez_vous": "sans_rdv", "capacite": "",
        "notes": ""})
    assert resp.status_code == 302
    session.refresh(permanence)
    assert (permanence.on_date, permanence.sequence, permanence.capacity) == (
        date(2026, 12, 13), 1, None)
    resp = client.post(f"{url}/permanences/{permanence.id}/supprimer",
                       data={"csrf_token": TOKEN})
    assert resp.status_code == 302 and _count(session, Permanence) == 0
    resp = client.post(f"{url}/supprimer", data={"csrf_token": TOKEN})
    assert resp.status_code == 302 and _count(session, Campaign) == 0


def test_refusals_name_the_field_and_write_nothing(client, session, cpts, place, sign_in):
    sign_in("coordinator", cpts_id=cpts.id)
    campaign = add_campaign(session, cpts.id)
    kept = add_permanence(session, campaign, date(2026, 11, 2), place_id=place.id)
    session.commit()
    url = f"/cpts/{cpts.slug}/campagnes/{campaign.slug}"
    good = {"csrf_token": TOKEN, "lieu": f"place:{place.id}", "date": "2026-11-20",
            "debut": "09:00", "fin": "12:00", "rendez_vous": "sans_rdv"}
    for change, reason in (({"date": "2027-04-01"}, "en dehors de la campagne"),
                           ({"fin": "08:00"}, "la fin doit suivre le début"),
                           ({"lieu": "place:999999"}, "lieu inconnu de la CPTS"),
                           ({"lieu": ""}, "un lieu ou un site"),
                           ({"capacite": "beaucoup"}, "nombre entier attendu")):
        resp = client.post(url + "/permanences", data={**good, **change})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422 and reason in html and 'aria-invalid="true"' in html
        assert _count(session, Permanence) == 1
    resp = client.post(f"{url}/permanences/{kept.id}", data={**good, "date": "2026-09-01"})
    assert resp.status_code == 422 and "en dehors de la campagne" in resp.get_data(as_text=True)
    session.refresh(kept)
    assert kept.on_date == date(2026, 11, 2) and kept.sequence == 0
    resp = client.post(url, data={"csrf_token": TOKEN, "nom": "Grippe", "type":
                                  "vaccination_grippe", "debut": "2027-01-01",
                                  "fin": "2026-12-01"})
    assert resp.status_code == 422 and "la fin de la campagne" in resp.get_data(as_text=True)
    resp = client.post(f"/cpts/{cpts.slug}/campagnes", data={
        "csrf_token": TOKEN, "nom": "", "type": "vaccination_grippe", "debut": "2026-10-01",
        "fin": "2026-10-02"})
    assert resp.status_code == 422 and _count(session, Campaign) == 1


def test_only_the_coordinator_and_admins_get_in(client, session, world, cpts, sign_in):
    campaign = add_campaign(session, cpts.id, public=False)
    other = world.cpts("CPTS Autre", ["69009"])
    session.commit()
    pages = (f"/cpts/{cpts.slug}/campagnes", f"/cpts/{cpts.slug}/campagnes/{campaign.slug}")
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 302 and "/connexion" in resp.headers["Location"]
    sign_in("coordinator", cpts_id=other.id)
    for url in pages:
        assert client.get(url).status_code == 403
    sign_in("admin")
    for url in pages:
        assert client.get(url).status_code == 200
