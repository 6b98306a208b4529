"""OGC API – Features at /ogc through the Flask client: landing page, conformance, collections,
items (paging, bbox, filters, CRS, simplification), one item, errors, public fields only."""
from __future__ import annotations


from tests.support import assert_problem

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
L93 = "http://www.opengis.net/def/crs/EPSG/0/2154"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
COLLECTIONS = {"communes", "cpts", "overlaps", "zones-blanches", "professionals", "places",
               "permanences"}


def _items(client, collection: str, **query):
    resp = client.get(f"/ogc/collections/{collection}/items", query_string=query)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "application/geo+json"
    return resp


def test_landing_page_links_what_qgis_reads(client):
    body = client.get("/ogc").get_json()
    rels = {link["rel"]: link for link in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    api = client.get(rels["service-desc"]["href"].replace("http://localhost", ""))
    assert api.status_code == 200 and api.get_json()["openapi"].startswith("3.0")
    assert "/collections/cpts/items" in api.get_json()["paths"]
    html = client.get("/ogc?f=html", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "Ajouter une couche WFS" in html.get_data(as_text=True)


def test_conformance_declares_core_geojson_oas30_crs(client):
    conforms = client.get("/ogc/conformance").get_json()["conformsTo"]
    for cls in ("ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
                "ogcapi-features-1/1.0/conf/oas30", "ogcapi-features-2/1.0/conf/crs"):
        assert f"http://www.opengis.net/spec/{cls}" in conforms


def test_collections_describe_extent_and_crs(client, world):
    body = client.get("/ogc/collections").get_json()
    assert {c["id"] for c in body["collections"]} == COLLECTIONS
    cpts = client.get("/ogc/collections/cpts").get_json()
    assert cpts["itemType"] == "feature"
    assert cpts["crs"][0] == CRS84 and L93 in cpts["crs"] and EPSG4326 in cpts["crs"]
    minx, miny, maxx, maxy = cpts["extent"]["spatial"]["bbox"][0]
    assert 2.2 <= minx < maxx <= 2.5 and 48.7 <= miny < maxy <= 49.0
    assert_problem(client.get("/ogc/collections/nope"), 404)


def test_items_page_with_links_and_counts(client, world):
    first = _items(client, "communes", limit=5).get_json()
    assert first["numberMatched"] == 16 and first["numberReturned"] == 5
    assert first["timeStamp"].endswith("Z")
    rels = {link["rel"]: link["href"] for link in first["links"]}
    assert "offset=5" in rels["next"] and "prev" not in rels
    seen = [f["id"] for f in first["features"]]
    page = first
    while "next" in {link["rel"] for link in page["links"]}:
        href = next(link["href"] for link in page["links"] if link["rel"] == "next")
        page = client.get(href.replace("http://localhost", "")).get_json()
        seen += [f["id"] for f in page["features"]]
    assert len(seen) == len(set(seen)) == 16
    assert "prev" in {link["rel"] for link in page["links"]}


def test_limit_clamped_and_bad_parameters_refused(client, world):
    assert _items(client, "communes", limit=5000).get_json()["numberReturned"] == 16
    for query, name in (({"limit": "0"}, "limit"), ({"limit": "x"}, "limit"),
                        ({"offset": "-1"}, "offset"), ({"bbox": "1,2,3"}, "bbox"),
                        ({"bbox": "3,2,1,4"}, "bbox"), ({"crs": "EPSG:3857"}, "crs"),
                        ({"bbox-crs": "EPSG:3857"}, "bbox-crs"), ({"zoom": "99"}, "zoom"),
                        ({"region": ""}, "region"), ({"offset": "9999999999"}, "offset"),
                        ({"status": "bof"}, "status"), ({"departement": "7'5"}, "departement"),
                        ({"colour": "red"}, "colour"), ({"f": "html"}, "f")):
        resp = client.get("/ogc/collections/cpts/items", query_string=query)
        assert name in assert_problem(resp, 400)["errors"], query


def test_boxes_beyond_a_crs_are_clipped_not_errors(client, world):
    for box, crs in (("-1e300,-1e300,1e300,1e300", L93), ("-500,-100,500,100", CRS84)):
        got = _items(client, "communes", bbox=box, **{"bbox-crs": crs}).get_json()
        assert got["numberMatched"] == 16


def test_filters_and_bbox(client, world):
    sud = _items(client, "cpts", status="valide").get_json()
    assert [f["properties"]["name"] for f in sud["features"]] == ["CPTS Sud"]
    assert _items(client, "cpts", departement="75").get_json()["numberMatched"] == 3
    assert _items(client, "communes", departement="13").get_json()["numberMatched"] == 0
    # the first column of communes (lon 2.25–2.30)
    west = _items(client, "communes", bbox="2.26,48.81,2.29,48.99").get_json()
    assert west["numberMatched"] == 4
    nurses = _items(client, "professionals", profession="60").get_json()
    assert [f["properties"]["last_name"] for f in nurses["features"]] == ["Martin"]


def test_zones_blanches_and_overlaps(client, world):
    uncovered = _items(client, "zones-blanches").get_json()
    codes = {f["id"] for f in uncovered["features"]}
    assert "75007" in codes and "75001" not in codes
    one = client.get("/ogc/collections/zones-blanches/items/75007").get_json()
    assert one["properties"]["nom"] and one["geometry"]["type"] == "MultiPolygon"
    assert_problem(client.get("/ogc/collections/zones-blanches/items/75001"), 404)
    assert _items(client, "zones-blanches", status="valide").get_json()["numberMatched"] > \
        uncovered["numberMatched"]
    overlaps = _items(client, "overlaps").get_json()
    pairs = {(f["properties"]["a_name"], f["properties"]["b_name"])
             for f in overlaps["features"]}
    assert ("CPTS Projet Nord", "CPTS Sud") in pairs or ("CPTS Sud", "CPTS Projet Nord") in pairs
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in overlaps["features"])


def test_crs_by_reference(client, world):
    cpts_id = world.cpts["sud"]
    plain = client.get(f"/ogc/collections/cpts/items/{cpts_id}")
    assert plain.headers["Content-Crs"] == f"<{CRS84}>"
    lon, lat = plain.get_json()["geometry"]["coordinates"][0][0][0]
    assert 2.2 < lon < 2.5 and 48.7 < lat < 49
    l93 = client.get(f"/ogc/collections/cpts/items/{cpts_id}", query_string={"crs": L93})
    assert l93.headers["Content-Crs"] == f"<{L93}>"
    geometry = l93.get_json()["geometry"]
    assert "crs" not in geometry
    x, y = geometry["coordinates"][0][0][0]
    assert 600_000 < x < 700_000 and 6_800_000 < y < 6_900_000
    latlon = client.get(f"/ogc/collections/cpts/items/{cpts_id}",
                        query_string={"crs": EPSG4326}).get_json()
    assert latlon["geometry"]["coordinates"][0][0][0] == [lat, lon]
    # a box in Lambert-93 around the western column, and the same in lat/lon order
    from pyproj import Transformer

    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    (x0, y0), (x1, y1) = to_l93.transform(2.26, 48.81), to_l93.transform(2.29, 48.99)
    box = _items(client, "communes", bbox=f"{x0},{y0},{x1},{y1}",
                 **{"bbox-crs": L93}).get_json()
    flipped = _items(client, "communes", bbox="48.81,2.26,48.99,2.29",
                     **{"bbox-crs": EPSG4326}).get_json()
    assert {f["id"] for f in box["features"]} == {f["id"] for f in flipped["features"]}
    assert box["numberMatched"] == 4


def test_simplified_and_rounded_geometries(client, world):
    full = _items(client, "communes", zoom="22").get_data(as_text=True)
    coarse = _items(client, "communes", zoom="0").get_data(as_text=True)
    assert len(coarse) <= len(full)
    for number in _items(client, "communes", crs=L93).get_json()["features"][0][
            "geometry"]["coordinates"][0][0][0]:
        assert round(number, 2) == number


def test_item_and_unknown_item(client, world):
    nurse = client.get(f"/ogc/collections/professionals/items/{world.pros['nurse']}")
    assert nurse.status_code == 200 and nurse.mimetype == "application/geo+json"
    assert {link["rel"] for link in nurse.get_json()["links"]} >= {"self", "collection"}
    for path in ("professionals/items/999999", "professionals/items/abc",
                 "communes/items/00000", "overlaps/items/1-1"):
        assert_problem(client.get(f"/ogc/collections/{path}"), 404)
    assert_problem(client.get("/ogc/collections/cpts/items/1?limit=3"), 400)


def test_professionals_show_public_fields_only(client, session, world, settings):
    from tests.factories.world import WorldBuilder

    w = WorldBuilder(session, settings, None)
    secret = w.professional(first_name="Zoé", last_name="Secret", profession="10",
                            private_phone="06 11 22 33 44", email="zoe@example.org",
                            public_email=False, site=(48.83, 2.32), commune="75006")
    session.commit()
    text = _items(client, "professionals", limit=1000).get_data(as_text=True)
    one = client.get(f"/ogc/collections/professionals/items/{secret}").get_data(as_text=True)
    for body in (text, one):
        assert "06 11 22 33 44" not in body and "zoe@example.org" not in body
        for private in ("private_phone", "external_ref", "geocode", "source", "created_at"):
            assert private not in body


def test_places_and_public_permanences(client, world):
    places = _items(client, "places", departement="75").get_json()
    assert [f["properties"]["name"] for f in places["features"]] == ["MSP du Parc"]
    assert "code porte" not in _items(client, "places").get_data(as_text=True)
    permanences = _items(client, "permanences").get_json()
    assert [f["id"] for f in permanences["features"]] == [world.permanence]
    assert permanences["features"][0]["geometry"]["coordinates"] == [2.32, 48.83]
    assert_problem(client.get(f"/ogc/collections/permanences/items/{world.hidden_permanence}"),
                   404)
