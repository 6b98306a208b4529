"""/map/territories through HTTP: one overlap area per set of claimants naming them all, a
colour per CPTS that differs from its neighbours', labels, escaping, the area filters."""
from __future__ import annotations

import json
import re

import pytest

from mapper.config import get_settings
from tests.territory_map.seed import XSS_NAME, seed


@pytest.fixture()
def world(app, session, tmp_path):
    return seed(session, get_settings(app), tmp_path)


def get(client, url, status=200) -> str:
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:1000]
    return resp.get_data(as_text=True)


def blocks(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(
        r'<script[^>]* class="cpts-map-data">(.*?)</script>', html,
        re.S)]


def features(html: str, key: str) -> list[dict]:
    """Features of the territory layers (key "n") or of the overlap layer (key "cl")."""
    return [f for b in blocks(html) for f in (b.get("features") or {}).get("features", [])
            if key in f["properties"]]


def test_one_area_per_set_of_claimants_naming_every_one(client, world):
    html = get(client, "/map/territories?region=93")
    areas = {frozenset(c["n"] for c in f["properties"]["cl"]): f["properties"]
             for f in features(html, "cl")}
    assert set(areas) == {frozenset({"CPTS Alpha", "CPTS Bêta", "CPTS Gamma"}),
                          frozenset({"CPTS Bêta", "CPTS Gamma"})}
    three = areas[frozenset({"CPTS Alpha", "CPTS Bêta", "CPTS Gamma"})]
    assert three["co"] == ["Commune 06-2 (06002)"] and three["p"] == 2000
    assert {c["s"] for c in three["cl"]} == {world[k]["slug"] for k in ("alpha", "beta", "gamma")}
    assert areas[frozenset({"CPTS Bêta", "CPTS Gamma"})]["co"] == ["Commune 06-6 (06006)"]
    # the table lists the same two areas, each with all its claimants linked
    table = html[html.index('id="chevauchements"'):]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>", table, re.S)
    assert len(rows) == 2
    assert all(f'/cpts/{world[k]["slug"]}' in rows[1] for k in ("alpha", "beta", "gamma"))
    assert "Commune 06-2 (06002)" in table  # names with codes, never codes alone


def test_colours_labels_and_click_through_data(client, world):
    html = get(client, "/map/territories?departement=06")
    territories = {f["properties"]["n"]: f for f in features(html, "n")}
    assert set(territories) == {"CPTS Alpha", "CPTS Bêta", "CPTS Gamma", XSS_NAME}
    colours = {n: f["properties"]["c"] for n, f in territories.items()}
    # Alpha, Bêta and Gamma touch each other: three different colours
    assert len({colours["CPTS Alpha"], colours["CPTS Bêta"], colours["CPTS Gamma"]}) == 3
    assert colours[XSS_NAME] != colours["CPTS Gamma"]  # neighbours (rows 3 and 4)
    for f in territories.values():  # the label point lies inside the territory's box
        lon, lat = f["properties"]["lb"]
        assert 7.0 < lon < 7.2 and 43.6 < lat < 43.8
    assert '"url":"/cpts/{slug}"' in html
    styles = {b["features"]["features"][0]["properties"]["st"]: b["style"] for b in blocks(html)
              if (b.get("features") or {}).get("features")
              and "n" in b["features"]["features"][0]["properties"]}
    assert "dashArray" in styles["Lettre d'intention"] and "dashArray" in styles["Projet"]
    assert styles["Lettre d'intention"]["dashArray"] != styles["Projet"]["dashArray"]


def test_a_name_with_markup_is_data(client, world):
    html = get(client, "/map/territories?departement=06")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; CPTS du Paillon" in html  # the list
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e CPTS du Paillon" in html  # data


def test_area_filters(client, world):
    names = {f["properties"]["n"] for f in features(
        get(client, "/map/territories?departement=92"), "n")}
    assert names == {"CPTS Ouest"}
    ile_de_france = get(client, "/map/territories?region=11")
    assert not features(ile_de_france, "cl") and "CPTS Alpha" not in ile_de_france
    everything = {f["properties"]["n"] for f in features(get(client, "/map/territories"), "n")}
    assert {"CPTS Ouest", "CPTS Alpha"} <= everything
    get(client, "/map/territories?departement=XX", 422)
    get(client, "/map/territories?region=99", 422)
