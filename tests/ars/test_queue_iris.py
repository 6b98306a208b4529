"""The ARS review queue sees overlaps at IRIS level, with the rule of the overlaps API
(``iris_overlaps``): two CPTS sharing an IRIS, or one holding an IRIS of a commune the other holds
whole, overlap; two CPTS holding different IRIS of one commune do not. Through HTTP on real
PostGIS, on the IRIS grid of tests/iris (commune 01001 split into four IRIS, région 84)."""
from __future__ import annotations

import re

from tests.iris.conftest import SPLIT, admin, iris_world  # noqa: F401  (fixtures)
from tests.territories.conftest import cell_box, create, grid_code

NORTH = ["010010101", "010010102"]


def rows(html: str) -> list[str]:
    return re.findall(r'class="queue-link" href="[^"]+">([^<]+)</a>', html)


def claims(html: str) -> dict[str, str]:
    """Queue row name → its « Chevauche : » text (whitespace collapsed)."""
    out = {}
    for item in re.findall(r'<li class="queue-row[^"]*">(.*?)</li>', html, re.S):
        name = re.search(r'class="queue-link" href="[^"]+">([^<]+)</a>', item).group(1)
        found = re.search(r'<span class="queue-claims">(.*?)</span>\s*$', item, re.S)
        text = re.sub(r"<[^>]+>", "", found.group(1)) if found else ""
        out[name] = " ".join(text.split())
    return out


def api_pairs(client) -> set[tuple[str, str, str]]:
    pairs = client.get("/api/v1/territories/overlaps").get_json()["pairs"]
    return {(p["a"]["name"], p["b"]["name"], p["level"]) for p in pairs}


def test_shared_iris_is_an_overlap_in_the_queue(iris_world, client, admin, sign_in):  # noqa: F811
    create(client, admin, "CPTS Nord", iris=NORTH)
    create(client, admin, "CPTS Sud", iris=["010010102"])
    # another IRIS of the same commune: no overlap with either
    create(client, admin, "CPTS Ouest", iris=["010010103"])
    create(client, admin, "CPTS Calme", communes=[grid_code(4, 4)])
    assert api_pairs(client) == {("CPTS Nord", "CPTS Sud", "iris")}
    sign_in("ars", regions=["84"])
    html = client.get("/ars?region=84").get_data(as_text=True)
    assert rows(html) == ["CPTS Nord", "CPTS Sud", "CPTS Calme", "CPTS Ouest"]
    by = claims(html)
    assert by["CPTS Nord"].startswith("Chevauche : CPTS Sud (")
    assert "Commune 01-1 (01001) à l'échelle des IRIS)" in by["CPTS Nord"]
    assert by["CPTS Sud"].startswith("Chevauche : CPTS Nord (")
    assert "Commune 01-1 (01001) à l'échelle des IRIS)" in by["CPTS Sud"]
    assert by["CPTS Ouest"] == "" and by["CPTS Calme"] == ""
    assert html.count('class="queue-row overlapping"') == 2
    assert "2 avec chevauchement" in html and "4 projets à décider" in html
    html = client.get("/ars?region=84&chevauchement=1").get_data(as_text=True)
    assert rows(html) == ["CPTS Nord", "CPTS Sud"]
    # a CPTS holding only IRIS is in the département of their commune
    html = client.get("/ars?region=84&departement=01&chevauchement=1").get_data(as_text=True)
    assert rows(html) == ["CPTS Nord", "CPTS Sud"]


def test_different_iris_of_one_commune_are_no_overlap(iris_world, client, admin,  # noqa: F811
                                                      sign_in):
    create(client, admin, "CPTS Nord", iris=NORTH)
    create(client, admin, "CPTS Sud", iris=["010010103", "010010104"])
    assert api_pairs(client) == set()
    sign_in("ars", regions=["84"])
    html = client.get("/ars?region=84").get_data(as_text=True)
    assert rows(html) == ["CPTS Nord", "CPTS Sud"]
    assert "Chevauche :" not in html and "aucun chevauchement" in html
    html = client.get("/ars?region=84&chevauchement=1").get_data(as_text=True)
    assert rows(html) == []


def test_whole_commune_against_iris_and_both_at_once(iris_world, client, admin,  # noqa: F811
                                                     sign_in):
    create(client, admin, "CPTS Nord", iris=NORTH)
    create(client, admin, "CPTS Ville", communes=[SPLIT, grid_code(1, 0)])
    # shares 01002 whole with Ville, and an IRIS of 01001 (held whole by Ville) with both
    create(client, admin, "CPTS Mixte", communes=[grid_code(1, 0)], iris=["010010101"])
    assert api_pairs(client) == {("CPTS Nord", "CPTS Ville", "iris"),
                                 ("CPTS Nord", "CPTS Mixte", "iris"),
                                 ("CPTS Ville", "CPTS Mixte", "iris")}
    sign_in("ars", regions=["84"])
    html = client.get("/ars?region=84").get_data(as_text=True)
    assert rows(html) == ["CPTS Mixte", "CPTS Nord", "CPTS Ville"]
    by = claims(html)
    ville = by["CPTS Ville"]
    # one claimant entry per CPTS, French order, the whole commune then the IRIS-level one
    assert ville.count("CPTS Mixte (") == 1 and ville.index("CPTS Mixte") < ville.index("CPTS Nord")
    assert "Commune 01-2 (01002), Commune 01-1 (01001) à l'échelle des IRIS)" in ville
    assert "Commune 01-1 (01001) à l'échelle des IRIS)" in by["CPTS Nord"]
    assert "3 avec chevauchement" in html


def test_drawn_territory_over_iris_held(iris_world, client, admin, sign_in):  # noqa: F811
    create(client, admin, "CPTS Nord", iris=NORTH)
    create(client, admin, "CPTS Sud", iris=["010010103"])
    # half of 010010102 (Nord's), nothing of Sud's IRIS
    create(client, admin, "CPTS Tracée", geometry=cell_box(0.5, 0, 0.75, 0.5))
    assert api_pairs(client) == {("CPTS Nord", "CPTS Tracée", "iris")}
    sign_in("ars", regions=["84"])
    html = client.get("/ars?region=84").get_data(as_text=True)
    assert rows(html) == ["CPTS Nord", "CPTS Tracée", "CPTS Sud"]
    by = claims(html)
    assert by["CPTS Tracée"].startswith("Chevauche : CPTS Nord (")
    assert "Commune 01-1 (01001) à l'échelle des IRIS)" in by["CPTS Tracée"]
    assert by["CPTS Nord"].startswith("Chevauche : CPTS Tracée (") and by["CPTS Sud"] == ""
