"""Coverage map: zones blanches, communes claimed by several CPTS, legend totals."""
from __future__ import annotations

from mapper.maps import CoverageCommune, CoverageTotals, build_coverage_map, render_html
from mapper.maps.formatting import THOUSANDS


def _blocks(page):
    return [b for b in page.json_blocks().values() if b.get("kind") == "coverage"]


def test_communes_split_by_number_of_cpts(square, parse_page, nonce, tiles):
    communes = [
        CoverageCommune("13001", "Aix-en-Provence", 147_000, square(5.4, 43.5), []),
        CoverageCommune("13002", "Allauch", 21_000, square(5.5, 43.3), [1, 2]),
        CoverageCommune("13003", "Alleins", 2_500, square(5.1, 43.7), [1]),
        CoverageCommune("13004", "Arles", 51_000, square(4.6, 43.6), []),
    ]
    totals = CoverageTotals(
        communes_total=4, communes_uncovered=2, communes_multiple=1,
        population_total=221_500, population_uncovered=198_000, population_multiple=21_000,
    )
    m = build_coverage_map(communes, totals, tiles=tiles, cpts_names={1: "CPTS Pays d'Aix"})
    page = parse_page(render_html(m, nonce))
    blocks = _blocks(page)
    codes = [[f["properties"]["code"] for f in b["features"]["features"]] for b in blocks]
    assert codes == [["13001", "13004"], ["13002"], ["13003"]]
    single = blocks[2]
    assert single["pane"]["name"] == "cptsCoveredOnce"
    assert blocks[1]["features"]["features"][0]["properties"]["cpts"] == [
        "CPTS Pays d'Aix", "CPTS n° 2",
    ]
    (legend,) = [b for b in page.json_blocks().values() if "items" in b]
    assert legend["items"][0]["label"] == "Zones blanches (aucune CPTS)"
    assert legend["items"][0]["detail"] == f"2 communes · 198{THOUSANDS}000 hab."
    assert legend["items"][1]["detail"] == f"1 commune · 21{THOUSANDS}000 hab."
    assert legend["items"][2]["detail"] == "1 commune"
    assert legend["notes"] == [
        f"Total : 4 communes · 221{THOUSANDS}500 hab.",
        "Population hors CPTS : 89,4\u00a0%",
    ]
    assert "preferCanvas\": true" in render_html(m, nonce)


def test_no_communes_still_renders_a_legend(nonce):
    html = render_html(build_coverage_map([], CoverageTotals(0, 0, 0)), nonce)
    assert "CartoCPTS.legend(" in html
    assert "L.control.layers" not in html and "fitBounds" not in html
