"""The coordinator's planning page: who sees it (and who may use its forms), a gap filled
by the assign form, refusals shown beside the form with nothing written, generation and the
week's CSV from the page."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from mapper.models import Shift
from mapper.services.directory import rota
from tests.rota.conftest import CSRF

WEEK = "2026-03-09"


def page_url(rw) -> str:
    return f"/cpts/{rw.sud.slug}/astreintes/planning"


SCOPES = {
    "admin": ("admin", {}, 200, True),
    "coordinator": ("coordinator", {"cpts_id": "sud"}, 200, True),
    "other_coordinator": ("coordinator", {"cpts_id": "est"}, 403, False),
    "ars_in": ("ars", {"regions": "in"}, 200, False),
    "ars_out": ("ars", {"regions": ["93"]}, 403, False),
    "member": ("professional", {"professional_id": "pharmacist"}, 200, False),
    "outsider": ("professional", {"professional_id": "outsider"}, 403, False),
}


def scope_of(rw, scope: dict) -> dict:
    out = {}
    for key, value in scope.items():
        if key == "cpts_id":
            out[key] = getattr(rw, value).id
        elif key == "regions":
            out[key] = [rw.sud.region] if value == "in" else value
        else:
            out[key] = rw.pros[value]
    return out


def test_anonymous_is_sent_to_sign_in(client, rw):
    resp = client.get(page_url(rw))
    assert resp.status_code == 302 and "/connexion" in resp.headers["Location"]
    assert client.post(page_url(rw) + "/assigner", data={"csrf_token": "x"}).status_code in (
        400, 401)


@pytest.mark.parametrize("who", list(SCOPES))
def test_page_role_matrix(client, rw, sign_in, session, who):
    role, scope, status, manages = SCOPES[who]
    sign_in(role, **scope_of(rw, scope))
    resp = client.get(page_url(rw), query_string={"semaine": WEEK})
    assert resp.status_code == status
    html = resp.get_data(as_text=True)
    if status == 200:
        assert "Planning des astreintes" in html and "5 trous dans le planning" in html
        assert ("Générer une période" in html) == manages
    post = client.post(page_url(rw) + "/assigner", data={
        "csrf_token": CSRF, "professionnel": rw.pros["gp"], "date": "2026-03-09",
        "debut": "14:00", "fin": "20:00", "places": "2", "semaine": WEEK})
    assert post.status_code == (302 if manages else 403)
    assert session.scalar(select(func.count()).select_from(Shift)) == (1 if manages else 0)


def test_fill_a_gap_and_see_refusals(client, rw, sign_in, session, coordinator):
    sign_in("coordinator", cpts_id=rw.sud.id)
    rota.create_shift(session, coordinator, rw.sud, {
        "professional": rw.pros["nurse"], "date": date(2026, 3, 10), "start": time(14),
        "end": time(17)})
    session.commit()
    html = client.get(page_url(rw), query_string={"semaine": WEEK}).get_data(as_text=True)
    assert "Mardi 10 mars, 17:00 – 20:00" in html
    form = {"csrf_token": CSRF, "professionnel": rw.pros["gp"], "date": "2026-03-10",
            "debut": "17:00", "fin": "20:00", "places": "1", "semaine": WEEK}
    resp = client.post(page_url(rw) + "/assigner", data={**form, "fin": "16:00"})
    assert resp.status_code == 422 and "la fin doit suivre le début" in resp.get_data(
        as_text=True)
    resp = client.post(page_url(rw) + "/assigner", data={**form, "professionnel": rw.pros[
        "outsider"]})
    assert resp.status_code == 422 and "pas membre" in resp.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Shift)) == 1
    resp = client.post(page_url(rw) + "/assigner", data=form, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Astreinte ajoutée au planning." in html and "4 trous dans le planning" in html


def test_generate_and_export_from_the_page(client, rw, sign_in, session):
    sign_in("coordinator", cpts_id=rw.sud.id)
    resp = client.post(page_url(rw) + "/generer", data={
        "csrf_token": CSRF, "du": "2026-03-09", "au": "2026-03-15", "jours": ["1", "2", "3",
                                                                              "4", "5"],
        "debut": "14:00", "fin": "20:00", "par_jour": "2", "places": "3",
        "professionnels": [str(p) for p in rw.rotation], "semaine": WEEK},
        follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "10 astreinte(s) créée(s), 0 déjà au planning" in html
    assert "Aucun trou" in html
    csv = client.get(page_url(rw) + ".csv", query_string={"semaine": WEEK})
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).count("\n") == 11
    resp = client.post(page_url(rw) + "/generer", data={
        "csrf_token": CSRF, "du": "2026-03-15", "au": "2026-03-09", "jours": ["1"],
        "debut": "14:00", "fin": "20:00", "professionnels": [], "semaine": WEEK})
    assert resp.status_code == 422
