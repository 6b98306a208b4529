"""A member's entry kept by the CPTS's coordinator on /cpts/<slug>/membres/<id>/fiche: the /moi
form (competencies, new patients, zone, slots), written and audited by the same use case,
errors beside the fields with nothing written, and only within the directory's scope rule."""
from __future__ import annotations

import re

from sqlalchemy import text

from tests.conftest import CSRF_TOKEN


def entry(session, pid):
    from mapper.services.directory import professional_private

    session.expire_all()
    return professional_private(session, pid)


def form(**overrides):
    data = {"csrf_token": CSRF_TOKEN, "competences": ["diabete"], "nouveaux_patients": "non",
            "domicile": "1", "zone_communes": "75002\nCommune 75-4", "zone_rayon": "",
            "creneaux": "2", "creneau-0-jour": "2", "creneau-0-debut": "08:00",
            "creneau-0-fin": "12:00", "creneau-0-type": "snp",
            "creneau-1-jour": "5", "creneau-1-debut": "18:00", "creneau-1-fin": "20:00",
            "creneau-1-type": "vaccination"}
    data.update(overrides)
    return data


def url(world, pid=None, cpts="sud"):
    return f"/cpts/{world.slugs[cpts]}/membres/{pid or world.pros['nurse']}/fiche"


def test_the_member_list_links_to_each_entry_form_prefilled(client, world, sign_in):
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    page = client.get(f"/cpts/{world.slugs['sud']}").get_data(as_text=True)
    assert f'href="{url(world)}"' in page and "Modifier la fiche" in page
    assert f'<th scope="row"><a href="{url(world, world.pros["doctor"])}">Bernard Durand</a>' \
        in page  # the entries to check again lead to their form
    html = client.get(url(world)).get_data(as_text=True)
    assert "Fiche de Anaïs Martin" in html
    assert f'action="{url(world)}"' in html
    assert re.search(r'value="plaies-cicatrisation" id="competences-\d+" checked', html)
    assert 'id="np-oui" checked' in html
    assert "Commune 75-2 (75002)\nCommune 75-3 (75003)</textarea>" in html
    assert "Se déplace à domicile" in html and "Je me déplace" not in html


def test_the_coordinator_updates_a_member_entry_and_it_is_audited(client, session, world,
                                                                  sign_in):
    pid = world.pros["nurse"]
    account = sign_in("coordinator", cpts_id=world.cpts["sud"])
    resp = client.post(url(world), data=form())
    assert resp.status_code == 302 and resp.headers["Location"].endswith(url(world))
    after = entry(session, pid)
    assert after["competencies"] == ["diabete"]
    assert after["accepts_new_patients"] is False and after["home_visits"] is True
    assert [(s["weekday"], s["start"], s["end"], s["kind"]) for s in after["slots"]] == [
        (2, "08:00", "12:00", "snp"), (5, "18:00", "20:00", "vaccination")]
    assert [z["communes"] for z in after["zones"]] == [["75002", "75004"]]
    event = session.execute(text(
        "SELECT action, account_id, before, after FROM audit_event WHERE entity_type = "
        "'professional' AND entity_id = :id ORDER BY id DESC LIMIT 1"), {"id": str(pid)}).one()
    assert event.action == "professional.update" and event.account_id == account.id
    assert event.before["competencies"] == ["plaies-cicatrisation"]
    assert event.after["competencies"] == ["diabete"]
    assert "Fiche de Anaïs Martin enregistrée." in client.get(url(world)).get_data(as_text=True)


def test_errors_are_shown_beside_the_fields_and_nothing_is_written(client, session, world,
                                                                  sign_in):
    pid = world.pros["nurse"]
    before = entry(session, pid)
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    resp = client.post(url(world), data=form(**{"creneau-1-debut": "25:00",
                                                "zone_communes": "Atlantide"}))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Traceback" not in html and 'id="erreurs"' in html
    assert 'id="creneau-1-erreur"' in html and 'id="zone-communes-erreur"' in html
    assert "Atlantide</textarea>" in html  # what was typed stays, to be corrected
    assert entry(session, pid) == before


def test_only_the_coordinator_of_a_cpts_of_the_member_may_edit(client, session, world,
                                                               sign_in):
    before = entry(session, world.pros["nurse"])
    sign_in("coordinator", cpts_id=world.cpts["est"])  # another CPTS
    assert client.get(url(world)).status_code == 403
    assert client.post(url(world), data=form()).status_code == 403
    assert client.get(url(world, cpts="est")).status_code == 404  # not a member of Est
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    assert client.get(url(world, world.pros["physio"])).status_code == 404  # not a member
    sign_in("professional", professional_id=world.pros["nurse"])  # her own: on /moi
    assert client.post(url(world), data=form()).status_code == 403
    sign_in("ars", regions=["11"])
    assert client.get(url(world)).status_code == 403
    assert entry(session, world.pros["nurse"]) == before
