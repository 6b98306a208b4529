"""FHIR: where a professional makes home visits (``HealthcareService.coverageArea`` →
``Location/zone-<id>`` with its GeoJSON boundary) and what places offer
(``HealthcareService/place-<id>``). Every resource validates with fhir.resources (R4B); the
boundaries decode to valid geometries matching the stored zones; the searchsets that mix
professionals and places page to completion; nothing private shows."""
from __future__ import annotations

import base64
import json
from datetime import datetime, time, timedelta, timezone

import pytest
from shapely.geometry import shape
from sqlalchemy import text

from mapper.services.directory.calendar import PARIS
from mapper.services.directory.registry_zones import SIMPLIFY_DEGREES
from tests.campaigns.conftest import add_campaign, add_permanence, add_place
from tests.factories.shifts import make_shift
from tests.factories.world import WorldBuilder
from tests.support import make_settings

from .conftest import PRIVATE
from .test_fhir_read import all_pages, get

BOUNDARY = "http://hl7.org/fhir/StructureDefinition/location-boundary-geojson"
ROR = "https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-territorial-division"
MSSANTE = "zoe.domicile@infirmier.mssante.fr"


def _dense_square(x0: float, y0: float, side: float, per_edge: int) -> dict:
    """A square drawn with ``per_edge`` collinear vertices on each edge (a heavy outline that
    simplifies to its 4 corners)."""
    ring = []
    for (ax, ay), (bx, by) in (((0, 0), (1, 0)), ((1, 0), (1, 1)), ((1, 1), (0, 1)),
                               ((0, 1), (0, 0))):
        for i in range(per_edge):
            t = i / per_edge
            ring.append([x0 + side * (ax + (bx - ax) * t), y0 + side * (ay + (by - ay) * t)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture()
def zoned(session, world, tmp_path):
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    zoe = w.professional(
        first_name="Zoé", last_name="Domicile", profession="60", rpps="10000000009",
        site=(48.84, 2.33), address="7 rue Zoé", postcode="75014", commune="75001",
        home_visits=True, private_phone=PRIVATE, mssante=MSSANTE, cpts=[world.cpts_id],
        zones=[{"communes": ["75002", "75001"]}, {"radius_km": 2, "site": 0},
               {"geometry": _dense_square(2.26, 48.81, 0.02, 250)}])
    pharmacy = add_place(session, world.cpts_id, "Pharmacie des Lilas", kind="pharmacie",
                         lat=48.85, lon=2.34, accessible=True, notes="code porte 9876")
    today = datetime.now(timezone.utc).astimezone(PARIS).date()
    flu = add_campaign(session, world.cpts_id, starts_on=today, ends_on=today + timedelta(60))
    hidden = add_campaign(session, world.cpts_id, "interne", public=False,
                          name="Campagne interne", starts_on=today,
                          ends_on=today + timedelta(60))
    add_permanence(session, flu, today + timedelta(3), place_id=world.place_id)
    add_permanence(session, hidden, today + timedelta(4), place_id=world.place_id)
    make_shift(session, world.cpts_id, world.pros["doctor"], today + timedelta(6), time(9),
               time(12), place_id=pharmacy.id, note="note privée")
    session.commit()
    return {"zoe": zoe, "pharmacy": pharmacy.id, "msp": world.place_id}


def _stored_zones(session, professional_id) -> dict:
    rows = session.execute(text("SELECT id, kind, ST_AsGeoJSON(geom) FROM intervention_zone "
                                "WHERE professional_id = :p"), {"p": professional_id})
    return {f"zone-{i}": (kind, shape(json.loads(g))) for i, kind, g in rows}


def _vertices(geom) -> int:
    return sum(len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors)
               for p in geom.geoms)


def _boundary(location: dict):
    [ext] = [e for e in location["extension"] if e["url"] == BOUNDARY]
    assert ext["valueAttachment"]["contentType"] == "application/geo+json"
    return shape(json.loads(base64.b64decode(ext["valueAttachment"]["data"])))


def test_home_visits_say_where_through_coverage_areas(client, session, zoned):
    service = get(client, f"/fhir/HealthcareService/{zoned['zoe']}")
    assert "visites-a-domicile" in {c["coding"][0]["code"] for c in service["characteristic"]}
    names = [a["display"] for a in service["coverageArea"]]
    assert names == ["Commune 75-1 et Commune 75-2",
                     "Rayon de 2 km autour de 7 rue Zoé, Commune 75-1", "Zone dessinée"]
    divisions = [e for e in service["extension"] if e["url"] == ROR]
    codes = [{x["url"]: x["valueCodeableConcept"]["coding"][0]["code"]
              for x in d["extension"]} for d in divisions]
    assert codes == [{"typeTerritorialDivision": "3", "codeTerritorialDivision": "75001"},
                     {"typeTerritorialDivision": "3", "codeTerritorialDivision": "75002"}]
    stored = _stored_zones(session, zoned["zoe"])
    assert {a["reference"].removeprefix("Location/") for a in service["coverageArea"]} == set(
        stored)
    for area in service["coverageArea"]:
        zone = get(client, f"/fhir/{area['reference']}")
        assert zone["mode"] == "instance" and zone["name"] == area["display"]
        assert zone["physicalType"]["coding"][0] == {
            "system": "http://terminology.hl7.org/CodeSystem/location-physical-type",
            "code": "area", "display": "Area"}
        published = _boundary(zone)
        kind, original = stored[zone["id"]]
        assert published.is_valid and published.geom_type == "MultiPolygon"
        # The same area, within the simplification tolerance.
        assert published.symmetric_difference(original).area < 0.01 * original.area
        assert published.hausdorff_distance(original) <= SIMPLIFY_DEGREES * 1.01
        assert _vertices(published) <= _vertices(original)


def test_zone_boundaries_are_simplified_and_light(client, session, zoned):
    stored = _stored_zones(session, zoned["zoe"])
    [(drawn_id, (_, original))] = [(k, v) for k, v in stored.items() if v[0] == "drawn"]
    published = _boundary(get(client, f"/fhir/Location/{drawn_id}"))
    assert len(original.geoms[0].exterior.coords) == 1001
    assert len(published.geoms[0].exterior.coords) == 5  # the four corners, closed
    assert abs(published.area - original.area) < 1e-9
    communes = _boundary(get(client, "/fhir/Location/" + next(
        k for k, v in stored.items() if v[0] == "communes")))
    assert abs(communes.area - 0.05 * 0.05 * 2) < 1e-9  # two 0.05° squares, merged
    assert communes.bounds == pytest.approx((2.25, 48.80, 2.35, 48.85))


def test_location_near_lists_sites_and_places_only(client, zoned):
    body = get(client, "/fhir/Location?near=48.8200|2.2700|10|km&_count=100")
    ids = [e["resource"]["id"] for e in body["entry"]]
    assert ids and all(i.startswith(("site-", "place-")) for i in ids)
    everything, _ = all_pages(client, "/fhir/Location?_count=100")
    assert not [r for r in everything if r["id"].startswith("zone-")]


def test_places_offer_their_kind_campaigns_and_on_call(client, world, zoned):
    msp = get(client, f"/fhir/HealthcareService/place-{zoned['msp']}")
    assert msp["type"][0]["coding"][0]["code"] == "msp"
    assert msp["providedBy"]["reference"] == f"Organization/place-{zoned['msp']}"
    assert msp["location"][0]["reference"] == f"Location/place-{zoned['msp']}"
    assert msp["identifier"] == [{"system": "urn:oid:1.2.250.1.71.4.2.2", "value": "750000001"}]
    assert [p["text"] for p in msp["program"]] == ["Vaccination antigrippale 2026-2027"]
    assert {c["coding"][0]["code"] for c in msp["characteristic"]} == {
        "vaccination", "permanences"}
    get(client, msp["providedBy"]["reference"].join(["/fhir/", ""]))
    get(client, f"/fhir/{msp['location'][0]['reference']}")
    pharmacy = get(client, f"/fhir/HealthcareService/place-{zoned['pharmacy']}")
    assert pharmacy["providedBy"]["reference"] == f"Organization/cpts-{world.cpts_id}"
    assert {c["coding"][0]["code"] for c in pharmacy["characteristic"]} == {
        "soins-non-programmes", "accessible"}
    assert "identifier" not in pharmacy and "program" not in pharmacy


def _ids(client, query: str) -> list[str]:
    return sorted(r["id"] for r in all_pages(client, f"/fhir/HealthcareService?{query}")[0])


def test_healthcare_service_searches_span_people_and_places(client, world, zoned):
    msp, pharmacy = f"place-{zoned['msp']}", f"place-{zoned['pharmacy']}"
    nurses = sorted(str(world.pros[k]) for k in ("nurse", "nurse2")) + [str(zoned["zoe"])]
    assert _ids(client, "service-type=msp") == [msp]
    assert _ids(client, "service-type=msp,pharmacie") == sorted([msp, pharmacy])
    assert _ids(client, "service-type=60") == sorted(nurses)
    assert _ids(client, "role=60") == sorted(nurses)
    assert _ids(client, "role=60&service-type=msp") == []
    assert _ids(client, "address-postalcode=69200") == [pharmacy]
    assert _ids(client, "address-city=VENISSIEUX") == [pharmacy]
    assert _ids(client, "identifier=urn:oid:1.2.250.1.71.4.2.2|750000001") == [msp]
    assert _ids(client, "identifier=10000000009") == [str(zoned["zoe"])]
    assert _ids(client, f"_id={msp},{zoned['zoe']}") == sorted([msp, str(zoned["zoe"])])
    assert _ids(client, "name=pharma") == sorted([pharmacy, str(world.pros["pharmacist"])])
    assert _ids(client, "address-postalcode=75014&service-type=msp") == [msp]


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_mixed_searchset_pages_to_completion(client, zoned, count):
    everything, total = all_pages(client, "/fhir/HealthcareService?_count=100")
    paged, paged_total = all_pages(client, f"/fhir/HealthcareService?_count={count}")
    assert total == paged_total == len(everything) == len(paged) == 8  # 6 people, 2 places
    assert [r["id"] for r in paged] == [r["id"] for r in everything]
    for r in everything:
        assert get(client, f"/fhir/HealthcareService/{r['id']}") == r


def test_metadata_declares_the_new_parameters(client):
    body = get(client, "/fhir/metadata")
    resources = {r["type"]: r for r in body["rest"][0]["resource"]}
    service = resources["HealthcareService"]
    assert "service-type" in {p["name"] for p in service["searchParam"]}
    assert "coverageArea" in service["documentation"]
    assert "zone-<n>" in resources["Location"]["documentation"]


@pytest.mark.parametrize("url", ["/fhir/HealthcareService/place-999999",
                                 "/fhir/HealthcareService/place-x", "/fhir/Location/zone-999999",
                                 "/fhir/Location/zone-abc", "/fhir/HealthcareService/zone-1"])
def test_unknown_zones_and_places_answer_404(client, zoned, url):
    body = get(client, url, 404)
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == "not-found"


@pytest.mark.parametrize("url, param", [
    ("/fhir/HealthcareService?service-type=http://example.org|msp", "service-type"),
    ("/fhir/HealthcareService?_id=zone-1", "_id"),
    ("/fhir/HealthcareService?identifier=urn:oid:1.2.250.1.71.4.2.2|123", "identifier"),
    ("/fhir/HealthcareService?coverage-area=1", "coverage-area"),
])
def test_bad_service_parameters_answer_400(client, zoned, url, param):
    body = get(client, url, 400)
    assert body["issue"][0]["expression"] == [param]


def test_nothing_private_in_services_or_zones(client, zoned):
    services, _ = all_pages(client, "/fhir/HealthcareService?_count=100")
    zones = [get(client, f"/fhir/{a['reference']}") for s in services
             for a in s.get("coverageArea", [])]
    dump = json.dumps(services + zones, ensure_ascii=False)
    for secret in (PRIVATE, MSSANTE, "mssante", "private_phone", "code porte", "note privée",
                   "Campagne interne", "geocode", "colleague_note", "referral"):
        assert secret not in dump
