"""The campaigns API over the test client: writes by the coordinator, audited; the validation
matrix (422 naming the field, nothing written); who sees a campaign that is not public."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from mapper.models import AuditEvent, Campaign, Permanence
from tests.support import assert_problem, bearer

from .conftest import add_campaign, add_permanence, add_place

FLU = {"name": "Vaccination antigrippale 2026-2027", "kind": "vaccination_grippe",
       "starts_on": "2026-10-01", "ends_on": "2027-02-28",
       "description": "Grippe saisonnière"}


@pytest.fixture()
def coordinator(accounts, cpts):
    return bearer(accounts("coordinator", cpts_id=cpts.id)[1])


def _counts(session):
    return (session.scalar(select(func.count()).select_from(Campaign)),
            session.scalar(select(func.count()).select_from(Permanence)))


def test_coordinator_creates_edits_and_deletes_audited(client, session, cpts, place, site_id,
                                                        coordinator):
    resp = client.post(f"/api/v1/cpts/{cpts.slug}/campaigns", json=FLU, headers=coordinator)
    assert resp.status_code == 201, resp.get_json()
    campaign = resp.get_json()
    assert campaign["slug"] == "vaccination-antigrippale-2026-2027" and campaign["public"]
    url = f"/api/v1/campaigns/{campaign['id']}/permanences"
    resp = client.post(url, headers=coordinator, json={
        "place": place.id, "date": "2026-10-24", "start": "09:00", "end": "12:30",
        "appointment": "les_deux", "notes": "Carte Vitale", "capacity": 40})
    assert resp.status_code == 201, resp.get_json()
    made = resp.get_json()
    assert made["start"] == "09:00" and made["starts_at"] == "2026-10-24T07:00:00Z"
    assert made["sequence"] == 0 and made["place"]["name"] == place.name
    # across the DST change: 26 October is CET
    resp = client.patch(f"/api/v1/permanences/{made['id']}", headers=coordinator,
                        json={"date": "2026-10-26", "site": site_id, "place": None})
    assert resp.status_code == 200, resp.get_json()
    moved = resp.get_json()
    assert moved["starts_at"] == "2026-10-26T08:00:00Z" and moved["sequence"] == 1
    assert moved["place"]["type"] == "site" and moved["capacity"] == 40
    resp = client.patch(f"/api/v1/permanences/{made['id']}", headers=coordinator,
                        json={"notes": "2e étage"})
    assert resp.get_json()["sequence"] == 2
    assert client.get(url + "?since=2026-10-01").get_json()[0]["id"] == made["id"]
    resp = client.patch(f"/api/v1/campaigns/{campaign['id']}", headers=coordinator,
                        json={"public": False})
    assert resp.status_code == 200 and resp.get_json()["public"] is False
    assert client.delete(f"/api/v1/permanences/{made['id']}",
                         headers=coordinator).status_code == 204
    assert client.delete(f"/api/v1/campaigns/{campaign['id']}",
                         headers=coordinator).status_code == 204
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type.in_(("campaign", "permanence"))).order_by(AuditEvent.id)).all()
    assert actions == ["campaign.create", "permanence.create", "permanence.update",
                       "permanence.update", "campaign.update", "permanence.delete",
                       "campaign.delete"]


@pytest.mark.parametrize(("body", "field"), [
    ({"date": "2026-09-30"}, "date"),            # before the campaign
    ({"date": "2027-03-01"}, "date"),            # after it
    ({"start": "12:00", "end": "09:00"}, "end"),  # ends before it starts
    ({"start": "12:00", "end": "12:00"}, "end"),
    ({"place": 999999}, "place"),                # unknown place
    ({"place": None, "site": 999999}, "site"),   # unknown site
    ({"place": None}, "place"),                  # neither
    ({"appointment": "peut-etre"}, "appointment"),
    ({"capacity": 0}, "capacity"),
    ({"start": "9h"}, "start"),
    ({"date": "2026-02-30"}, "date"),
    ({"colour": "red"}, "colour"),
])
def test_permanence_validation_writes_nothing(client, session, cpts, place, coordinator, body,
                                              field):
    campaign = add_campaign(session, cpts.id)
    session.commit()
    before = _counts(session)
    good = {"place": place.id, "date": "2026-10-24", "start": "09:00", "end": "12:00"}
    resp = client.post(f"/api/v1/campaigns/{campaign.id}/permanences", headers=coordinator,
                       json={**good, **body})
    problem = assert_problem(resp, 422)
    assert field in problem["errors"], problem
    assert _counts(session) == before


def test_place_of_another_cpts_is_unknown(client, session, world, cpts, coordinator):
    other = world.cpts("CPTS Autre", ["69009"])
    foreign = add_place(session, other.id, "Mairie voisine", kind="mairie")
    campaign = add_campaign(session, cpts.id)
    session.commit()
    resp = client.post(f"/api/v1/campaigns/{campaign.id}/permanences", headers=coordinator,
                       json={"place": foreign.id, "date": "2026-10-24", "start": "09:00",
                             "end": "12:00"})
    assert "place" in assert_problem(resp, 422)["errors"]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({**FLU, "ends_on": "2026-09-01"}, 422, "ends_on"),
    ({**FLU, "kind": "fete"}, 422, "kind"),
    ({**FLU, "slug": "Pas Un Slug"}, 422, "slug"),
    ({**FLU, "slug": "grippe-2026"}, 409, "slug"),
    ({k: v for k, v in FLU.items() if k != "name"}, 422, "name"),
])
def test_campaign_validation_writes_nothing(client, session, cpts, coordinator, body, status,
                                            field):
    add_campaign(session, cpts.id, "grippe-2026")
    session.commit()
    before = _counts(session)
    resp = client.post(f"/api/v1/cpts/{cpts.slug}/campaigns", headers=coordinator, json=body)
    assert field in assert_problem(resp, status)["errors"]
    assert _counts(session) == before


def test_shortening_the_period_around_permanences_is_refused(client, session, cpts, place,
                                                            coordinator):
    campaign = add_campaign(session, cpts.id)
    add_permanence(session, campaign, date(2027, 2, 10), place_id=place.id)
    session.commit()
    resp = client.patch(f"/api/v1/campaigns/{campaign.id}", headers=coordinator,
                        json={"ends_on": "2027-01-31"})
    assert "ends_on" in assert_problem(resp, 422)["errors"]
    session.refresh(campaign)
    assert campaign.ends_on == date(2027, 2, 28)


def test_who_sees_and_who_writes(client, session, world, cpts, place, accounts, coordinator):
    hidden = add_campaign(session, cpts.id, "interne", public=False)
    perm = add_permanence(session, hidden, date(2026, 11, 3), time(14), time(17),
                          place_id=place.id)
    public = add_campaign(session, cpts.id, "grippe")
    other = world.cpts("CPTS Autre", ["69009"])
    session.commit()
    stranger = bearer(accounts("coordinator", cpts_id=other.id)[1])
    admin = bearer(accounts("admin")[1])
    for headers in ({}, stranger):
        assert_problem(client.get(f"/api/v1/campaigns/{hidden.id}", headers=headers), 404)
        assert_problem(client.get(f"/api/v1/permanences/{perm.id}", headers=headers), 404)
        slugs = [c["slug"] for c in client.get(
            f"/api/v1/cpts/{cpts.slug}/campaigns?include_private=true", headers=headers
        ).get_json()]
        assert slugs == ["grippe"]
    for headers in (coordinator, admin):
        assert client.get(f"/api/v1/campaigns/{hidden.id}", headers=headers).status_code == 200
        assert client.get(f"/api/v1/permanences/{perm.id}", headers=headers).status_code == 200
    listed = client.get(f"/api/v1/cpts/{cpts.slug}/campaigns?include_private=true",
                        headers=coordinator).get_json()
    assert {c["slug"] for c in listed} == {"grippe", "interne"}
    assert_problem(client.patch(f"/api/v1/campaigns/{public.id}", json={"name": "X"},
                                headers=stranger), 403)
    assert_problem(client.post(f"/api/v1/cpts/{cpts.slug}/campaigns", json=FLU), 401)
    assert_problem(client.delete(f"/api/v1/campaigns/{public.id}", headers=stranger), 403)
    assert client.patch(f"/api/v1/campaigns/{public.id}", json={"name": "Grippe"},
                        headers=admin).status_code == 200


def test_openapi_documents_the_campaigns(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/cpts/{slug}/campaigns", "/api/v1/campaigns/{campaign_id}",
                 "/api/v1/campaigns/{campaign_id}/permanences",
                 "/api/v1/permanences/{permanence_id}"):
        assert path in paths
    post = paths["/api/v1/campaigns/{campaign_id}/permanences"]["post"]
    assert "422" in post["responses"] and "requestBody" in post
