"""The FHIR read API: every resource validates with fhir.resources (R4B models), searchsets
page to completion, identifiers and code systems follow the Annuaire Santé guide, errors are
OperationOutcome, and nothing private leaks."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from fhir.resources.R4B import get_fhir_model_class

from .conftest import PRIVATE

FHIR_JSON = "application/fhir+json"


def get(client, url, status=200):
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == FHIR_JSON
    body = resp.get_json(force=True)
    validate(body)
    return body


def validate(resource: dict) -> None:
    """Parse with the R4B model of its type (a Bundle validates its entries too)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def all_pages(client, url) -> tuple[list[dict], int]:
    body = get(client, url)
    total, out, seen = body["total"], [], 0
    while True:
        out += [e["resource"] for e in body.get("entry", [])]
        for e in body.get("entry", []):
            assert e["fullUrl"].endswith(f"/fhir/{e['resource']['resourceType']}/"
                                         f"{e['resource']['id']}")
        nxt = [link["url"] for link in body["link"] if link["relation"] == "next"]
        seen += 1
        assert seen < 50
        if not nxt:
            return out, total
        url = urlsplit(nxt[0])
        body = get(client, f"{url.path}?{url.query}")


def test_metadata_declares_resources_and_search_params(client):
    body = get(client, "/fhir/metadata")
    resources = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert {"Practitioner", "PractitionerRole", "Organization", "Location",
            "HealthcareService", "Schedule", "Slot"} <= set(resources)
    params = {p["name"] for p in resources["Practitioner"]["searchParam"]}
    assert {"identifier", "name", "address-postalcode", "address-city", "role",
            "specialty"} <= params
    assert "near" in {p["name"] for p in resources["Location"]["searchParam"]}
    assert {i["code"] for i in resources["Slot"]["interaction"]} == {"read", "search-type"}


@pytest.mark.parametrize("kind", ["Practitioner", "PractitionerRole", "HealthcareService",
                                  "Location", "Organization", "Schedule", "Slot"])
def test_searchsets_page_to_completion(client, world, kind):
    everything, total = all_pages(client, f"/fhir/{kind}?_count=100")
    paged, paged_total = all_pages(client, f"/fhir/{kind}?_count=2")
    assert total == paged_total == len(everything) > 0
    assert sorted(r["id"] for r in paged) == sorted(r["id"] for r in everything)
    assert len({r["id"] for r in paged}) == len(paged)
    for r in everything:  # every resource reads back by id, the same
        assert get(client, f"/fhir/{kind}/{r['id']}") == r


def test_previous_link_and_bounded_count(client, world):
    body = get(client, "/fhir/Practitioner?_count=2&_offset=2")
    relations = {link["relation"] for link in body["link"]}
    assert {"self", "next", "previous"} <= relations
    outcome = get(client, "/fhir/Practitioner?_count=1000", 400)
    assert outcome["issue"][0]["expression"] == ["_count"]


def test_practitioner_identifiers_codes_and_public_phone(client, world):
    body = get(client, "/fhir/Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|810000000001")
    assert body["total"] == 1
    doc = body["entry"][0]["resource"]
    systems = {i["system"]: i["value"] for i in doc["identifier"]}
    assert systems == {"urn:oid:1.2.250.1.71.4.2.1": "810000000001",
                       "https://rpps.esante.gouv.fr": "10000000001"}
    assert doc["name"][0] == {"use": "usual", "family": "Martin", "given": ["Anaïs"]}
    assert doc["telecom"] == [{"system": "phone", "value": "01 45 00 00 00", "use": "work"}]
    by_rpps = get(client, "/fhir/Practitioner?identifier=https://rpps.esante.gouv.fr|10000000002")
    assert by_rpps["entry"][0]["resource"]["name"][0]["family"] == "Durand"
    role = get(client, f"/fhir/PractitionerRole/{world.pros['nurse']}")
    coding = role["code"][0]["coding"][0]
    assert coding["system"].endswith("TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante")
    assert coding["code"] == "60"
    assert role["organization"]["reference"] == f"Organization/cpts-{world.cpts_id}"
    assert role["practitioner"]["reference"] == f"Practitioner/{world.pros['nurse']}"


def test_search_parameters(client, world):
    def names(url):
        return sorted(r["name"][0]["family"] for r in all_pages(client, url)[0])
    assert names("/fhir/Practitioner?address-postalcode=75014") == ["Martin", "Petit", "Pharma"]
    assert names("/fhir/Practitioner?name=martin") == ["Martin", "Martinez"]
    assert names("/fhir/Practitioner?name=elodie") == ["Martinez"]
    assert names("/fhir/Practitioner?role=60") == ["Martin", "Martinez"]
    assert names("/fhir/Practitioner?role=60&address-postalcode=75014") == ["Martin"]
    assert names("/fhir/Practitioner?address-city=paris") == []
    assert names("/fhir/Practitioner?address-city=commune 75-2") == ["Durand"]
    assert names("/fhir/Practitioner?address-city=COMMUNE 75-1") == [
        "Martin", "Petit", "Pharma"]
    assert names("/fhir/Practitioner?specialty=SM54") == []
    roles = all_pages(client, "/fhir/PractitionerRole?role=21,70")[0]
    assert sorted(r["code"][0]["coding"][0]["code"] for r in roles) == ["21", "70"]


def test_healthcare_service_says_what_is_offered(client, world):
    service = get(client, f"/fhir/HealthcareService/{world.pros['nurse']}")
    codes = {c["coding"][0]["code"] for c in service["characteristic"]}
    assert {"visites-a-domicile", "nouveaux-patients"} <= codes


def test_location_near_nearest_first(client, world):
    body = get(client, "/fhir/Location?near=48.8330|2.3210|1|km")
    ids = [e["resource"]["id"] for e in body["entry"]]
    assert ids[0].startswith("site-") and f"place-{world.place_id}" in ids
    assert len(ids) == 3  # the pharmacy, the nurse, the MSP; the physio (≈ 1.6 km) is out
    positions = [e["resource"]["position"] for e in body["entry"]]
    assert all("latitude" in p and "longitude" in p for p in positions)
    far = get(client, "/fhir/Location?near=48.8330|2.3210|10|km")
    assert far["total"] == 6


def test_places_with_finess_are_organizations(client, world):
    body = get(client, "/fhir/Organization?identifier=urn:oid:1.2.250.1.71.4.2.2|750000001")
    assert [e["resource"]["id"] for e in body["entry"]] == [f"place-{world.place_id}"]
    loc = get(client, f"/fhir/Location/place-{world.place_id}")
    assert loc["identifier"] == [{"system": "urn:oid:1.2.250.1.71.4.2.2", "value": "750000001"}]
    cpts = get(client, f"/fhir/Organization/cpts-{world.cpts_id}")
    assert cpts["name"] == "CPTS Sud"


@pytest.mark.parametrize("url, param", [
    ("/fhir/Practitioner?colour=blue", "colour"),
    ("/fhir/Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|123", "identifier"),
    ("/fhir/Practitioner?identifier=http://example.org|10000000001", "identifier"),
    ("/fhir/Practitioner?_offset=-1", "_offset"),
    ("/fhir/Practitioner?_count=abc", "_count"),
    ("/fhir/Location?near=48.8|x", "near"),
    ("/fhir/Location?near=48.8|2.3|500|km", "near"),
    ("/fhir/Slot?start=xx2026-01-01", "start"),
    ("/fhir/Slot?start=ge2026-13-01", "start"),
    ("/fhir/Slot?status=maybe", "status"),
    ("/fhir/Slot?schedule.actor=Practitioner/1", "schedule.actor"),
    ("/fhir/Slot?cpts=nowhere", "cpts"),
    ("/fhir/Practitioner?_format=xml", "_format"),
])
def test_bad_parameters_answer_operation_outcome_400(client, world, url, param):
    body = get(client, url, 400)
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["expression"] == [param]


@pytest.mark.parametrize("url", ["/fhir/Practitioner/999999", "/fhir/Practitioner/abc",
                                 "/fhir/Location/site-999999", "/fhir/Location/nope",
                                 "/fhir/Organization/cpts-0", "/fhir/Slot/999999",
                                 "/fhir/Patient", "/fhir/Patient/1"])
def test_unknown_ids_and_types_answer_404(client, world, url):
    body = get(client, url, 404)
    assert body["issue"][0]["code"] == "not-found"


def test_nothing_private_in_any_resource(client, world):
    text = ""
    for kind in ("Practitioner", "PractitionerRole", "HealthcareService", "Location",
                 "Organization", "Schedule", "Slot"):
        text += json.dumps(all_pages(client, f"/fhir/{kind}?_count=100")[0], ensure_ascii=False)
    for secret in (PRIVATE, "private_phone", "note privée", "code porte", "geocode"):
        assert secret not in text


@pytest.mark.parametrize("method, url, status", [
    ("post", "/fhir/Practitioner", 405), ("put", "/fhir/Practitioner/1", 405),
    ("delete", "/fhir/Slot/1", 405), ("get", "/fhir/Practitioner/1/_history", 404),
    ("get", "/fhir/", 404)])
def test_writes_and_unknown_paths_answer_operation_outcome(client, method, url, status):
    resp = getattr(client, method)(url)
    assert resp.status_code == status and resp.mimetype == FHIR_JSON
    validate(resp.get_json(force=True))
