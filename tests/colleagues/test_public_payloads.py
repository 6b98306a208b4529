"""Nothing professional-only reaches a public payload (issue 17): the widget, the public maps
and pages, the professional's public page, GeoJSON, the CSV and iCalendar exports and the
public API — for anonymous visitors, and for the exports and maps even when a colleague who
may see the fields asks for them."""
from __future__ import annotations

import pytest

from tests.colleagues.conftest import NURSE_SITE, SECRETS
from tests.support import bearer


def public_urls(world) -> list[str]:
    sud, physio = world.slugs["sud"], world.pros["physio"]
    near = f"{NURSE_SITE[0]},{NURSE_SITE[1]}"
    return [
        f"/embed/cpts/{sud}", f"/embed/cpts/{sud}/permanences", f"/map/cpts/{sud}",
        "/map/territories", "/map/coverage", f"/professionnels/{physio}", f"/cpts/{sud}",
        f"/cpts/{sud}/permanences", f"/cpts/{sud}/permanences.csv",
        f"/cpts/{sud}/permanences.ics", "/recherche?adresse=&profession=70",
        f"/api/v1/professionals/search?near={near}&format=geojson",
        f"/api/v1/professionals/search?near={near}&profession=70&limit=50",
        f"/api/v1/professionals/search?cpts={sud}&limit=50",
        f"/api/v1/professionals/{physio}", f"/api/v1/professionals/{physio}/zones",
        f"/api/v1/cpts/{sud}", "/api/v1/cpts",
        # the standard APIs (issue 14)
        "/ogc/collections/professionals/items?limit=1000",
        f"/ogc/collections/professionals/items/{physio}",
        "/fhir/Practitioner?_count=100", f"/fhir/Practitioner/{physio}",
        "/fhir/PractitionerRole?_count=100", "/fhir/HealthcareService?_count=100",
        "/fhir/Location?_count=100",
    ]


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text] + [
        k for k in ("private_phone", "colleague_note", "takes_referrals",
                    "referral_preference") if f'"{k}"' in text]


def test_anonymous_payloads_hold_nothing_professional_only(client, world):
    seen = 0
    for url in public_urls(world):
        resp = client.get(url)
        assert resp.status_code < 500, url
        if resp.status_code == 200:
            seen += 1
            assert not leaks(resp.get_data(as_text=True)), url
    assert seen >= 19  # the payloads were really read


@pytest.mark.parametrize("url", [
    "/embed/cpts/{sud}", "/map/cpts/{sud}", "/cpts/{sud}/permanences.csv",
    "/professionnels/{physio}",
    "/api/v1/professionals/search?near=48.831,2.321&format=geojson",
    "/ogc/collections/professionals/items", "/fhir/Practitioner/{physio}",
    "/fhir/PractitionerRole?_count=100",
])
def test_exports_and_public_pages_stay_public_for_a_colleague(client, world, sign_in, url):
    sign_in("professional", professional_id=world.pros["nurse"])  # may see Sud's fields
    url = url.format(sud=world.slugs["sud"], physio=world.pros["physio"])
    resp = client.get(url)
    assert resp.status_code == 200, url
    assert not leaks(resp.get_data(as_text=True)), url


def test_the_geojson_search_is_public_even_with_an_admin_token(client, world, accounts):
    _, token = accounts("admin")
    resp = client.get("/api/v1/professionals/search?near=48.831,2.321&format=geojson",
                      headers=bearer(token))
    assert resp.status_code == 200 and resp.get_json()["features"]
    assert not leaks(resp.get_data(as_text=True))
