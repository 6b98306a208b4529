"""Properties every rendered map page must have: self-hosted assets, CSP nonces, no inline
handlers, no third-party hosts."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import folium
import pytest

from mapper.maps import (
    CoverageCommune,
    CoverageTotals,
    OverlapFeature,
    TerritoryFeature,
    build_coverage_map,
    build_orientation_map,
    build_territory_map,
    render_html,
    render_parts,
)
from mapper.maps.assets import (ASSETS, MAP_ASSETS, OWN_CSS, OWN_JS, PACKAGES, STATIC_MAPS_DIR,
                                asset_file, generated, resolve)
from mapper.maps.elements import FACTORIES

CDN_HOSTS = (
    "cdn.jsdelivr.net", "unpkg.com", "bootstrapcdn", "cdnjs.cloudflare.com", "code.jquery.com",
    "googleapis", "rawcdn.githack.com", "use.fontawesome.com",
)


@pytest.fixture(params=["orientation", "territory", "coverage"])
def page_html(request, make_marker, square, tiles, nonce):
    if request.param == "orientation":
        m = build_orientation_map(
            [make_marker(), make_marker(profession_code="70", stale=True)],
            boundary=square(5.0, 43.0, 1.0),
            tiles=tiles,
            asset_prefix="/assets",
        )
    elif request.param == "territory":
        m = build_territory_map(
            [TerritoryFeature(1, "CPTS A", "cpts-a", "valide", square(5.0, 43.0), 50_000)],
            [OverlapFeature(square(5.0, 43.0, 0.01), "CPTS A", "CPTS B", 300)],
            tiles=tiles,
            asset_prefix="/assets",
        )
    else:
        m = build_coverage_map(
            [CoverageCommune("13001", "Aix", 147_000, square(5.4, 43.5), [])],
            CoverageTotals(1, 1, 0, 147_000, 147_000, 0),
            tiles=tiles,
            asset_prefix="/assets",
        )
    return render_html(m, nonce)


def test_only_the_tile_host_is_external(page_html, tiles):
    tile_host = urlsplit(tiles.url).hostname
    for url in re.findall(r"https?://[^\s\"'<>)]+", page_html):
        assert urlsplit(url).hostname == tile_host, url
    for host in CDN_HOSTS:
        assert host not in page_html


def test_assets_are_served_under_the_prefix_and_exist(page_html, parse_page):
    page = parse_page(page_html)
    urls = [s["src"] for s in page.scripts if "src" in s]
    urls += [link["href"] for link in page.links if link.get("rel") == "stylesheet"]
    assert len(set(urls)) == len(urls) >= len(MAP_ASSETS) + len(OWN_JS) + len(OWN_CSS)
    for url in urls:
        path = urlsplit(url).path
        if path.startswith("/assets/"):
            package, filename = path[len("/assets/"):].split("/", 1)
            assert (resolve(package, filename) or generated(package, filename)) is not None, url
        else:
            assert path.startswith("/static/maps/"), url
            assert (STATIC_MAPS_DIR / path[len("/static/maps/"):]).is_file(), url


def test_every_script_and_style_has_the_nonce(page_html, parse_page, nonce):
    page = parse_page(page_html)
    assert page.scripts and page.styles
    for element in page.scripts + page.styles:
        assert element.get("nonce") == nonce


def test_no_inline_event_handlers_or_eval(page_html, parse_page):
    page = parse_page(page_html)
    handlers = [(tag, name) for tag, name, _ in page.attributes if name.lower().startswith("on")]
    assert handlers == []
    assert "javascript:" not in page_html.lower()
    for script in page.inline_scripts():
        assert not re.search(r"\beval\s*\(|new\s+Function\b|setTimeout\s*\(\s*['\"]", script)
        assert "$(" not in script  # jQuery is not loaded


def test_page_is_french(page_html):
    assert page_html.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")


def test_factories_called_exist_in_the_static_script():
    source = "\n".join((STATIC_MAPS_DIR / name).read_text(encoding="utf-8")
                       for name in ("cpts-maps.js", "cpts-territories.js"))
    for factory in FACTORIES:
        assert re.search(rf"\b{factory}: {factory}\b", source), factory
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", source)
    assert not re.search(r"\beval\s*\(|new\s+Function\b", source)


def test_asset_prefix_is_configurable(make_marker, parse_page, nonce):
    m = build_orientation_map(
        [make_marker()], asset_prefix="/carto/assets/", static_prefix="/carto/static/maps"
    )
    page = parse_page(render_html(m, nonce))
    urls = [s["src"] for s in page.scripts if "src" in s]
    assert urls[0] == "/carto/assets/leaflet/leaflet.js?v=1.9.3"
    assert any(u.startswith("/carto/static/maps/cpts-maps.js?v=") for u in urls)
    assert urls[-1].startswith("/carto/static/maps/cpts-cluster.js?v=")


def _own_scripts(page) -> list[str]:
    return [urlsplit(s["src"]).path.removeprefix("/static/maps/") for s in page.scripts
            if s.get("src", "").startswith("/static/maps/")]


def test_a_page_links_the_scripts_its_map_calls_once_each_after_the_core(
        make_marker, square, parse_page, nonce):
    orientation = build_orientation_map([make_marker(), make_marker()])
    territory = build_territory_map(
        [TerritoryFeature(1, "A", "a", "valide", square(5.0, 43.0), 1),
         TerritoryFeature(2, "B", "b", "projet", square(5.5, 43.0), 1)],
        [OverlapFeature(square(5.0, 43.0, 0.01), "A", "B", 300)])
    coverage = build_coverage_map([], CoverageTotals(0, 0, 0))
    assert _own_scripts(parse_page(render_html(orientation, nonce))) == [
        "cpts-maps.js", "vendor/supercluster.min.js", "cpts-cluster.js"]
    assert _own_scripts(parse_page(render_html(territory, nonce))) == [
        "cpts-maps.js", "cpts-territories.js"]
    assert _own_scripts(parse_page(render_html(coverage, nonce))) == ["cpts-maps.js"]
    for name, files in FACTORIES.items():  # every script a factory names exists
        assert all((STATIC_MAPS_DIR / f).is_file() for f in files), name


def test_named_assets_exist_in_xstatic_packages():
    for name, asset in ASSETS.items():
        if generated(asset.package, asset.path) is None:
            assert asset_file(name).is_file(), name
    for package in PACKAGES.values():
        assert package.base_dir.is_dir()


def test_folium_class_defaults_are_left_alone(make_marker):
    before = list(folium.Map.default_js), list(folium.Map.default_css)
    build_orientation_map([make_marker()])
    assert (list(folium.Map.default_js), list(folium.Map.default_css)) == before


@pytest.mark.parametrize("bad", ["", "short", 'x" onload="alert(1)', "a" * 200, None])
def test_render_rejects_malformed_nonce(bad):
    with pytest.raises(ValueError):
        render_html(build_orientation_map([]), bad)


def test_render_parts_for_site_templates(make_marker, nonce):
    parts = render_parts(build_orientation_map([make_marker()]), nonce)
    assert 'src="/assets/leaflet/leaflet.js' in parts.head
    assert 'class="folium-map"' in parts.body and 'type="application/json"' in parts.body
    assert parts.script.startswith(f'<script nonce="{nonce}">') and "L.map(" in parts.script
    assert "<html" not in parts.head + parts.body + parts.script


def test_rendering_twice_gives_the_same_page(make_marker, nonce, parse_page):
    m = build_orientation_map([make_marker(), make_marker(profession_code="21")])
    first, second = render_html(m, nonce), render_html(m, nonce)
    assert first == second
    assert len(parse_page(second).json_blocks()) == 4  # setup (texts), cluster, 2 layers


def test_builders_know_neither_flask_nor_the_database():
    import mapper.maps

    package_dir = STATIC_MAPS_DIR.parents[1] / "mapper" / "maps"
    assert package_dir == type(STATIC_MAPS_DIR)(mapper.maps.__file__).parent
    for module in package_dir.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(flask|sqlalchemy|geoalchemy2|psycopg)\b",
                             source, re.M), module.name
