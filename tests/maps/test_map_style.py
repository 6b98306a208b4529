"""Styles: the CSS defines every palette colour, every icon exists in the bundled Font-Awesome."""
from __future__ import annotations

import re

import pytest

from mapper.maps.assets import PACKAGES, STATIC_MAPS_DIR, asset_url, icon_css
from mapper.maps.elements import control_label
from mapper.maps.style import (
    DEFAULT_PROFESSION_STYLE,
    ICONS,
    PALETTE,
    PROFESSION_STYLES,
    check_icon,
    profession_style,
)


@pytest.fixture(scope="module")
def fontawesome_css() -> str:
    return (PACKAGES["font-awesome"].base_dir / "css" / "fontawesome.css").read_text()


def test_css_defines_every_palette_colour():
    css = (STATIC_MAPS_DIR / "cpts-maps.css").read_text(encoding="utf-8")
    defined = dict(re.findall(r"\.cpts-color-([a-z]+) \{ --cpts-color: (#[0-9a-f]{6}); \}", css))
    assert defined == PALETTE


def test_profession_icons_exist(fontawesome_css):
    for style in [*PROFESSION_STYLES.values(), DEFAULT_PROFESSION_STYLE]:
        assert f".{style.icon}::before" in fontawesome_css, style.icon
        assert style.color in PALETTE


def test_glyphs_used_by_the_script_exist(fontawesome_css):
    source = (STATIC_MAPS_DIR / "cpts-maps.js").read_text(encoding="utf-8")
    glyphs = set(re.findall(r"'(fa-[a-z-]+)'", source))
    assert glyphs
    for glyph in glyphs:
        assert f".{glyph}::before" in fontawesome_css, glyph


def test_the_maps_stylesheet_defines_every_glyph_they_use_and_no_other():
    scripts = [p for p in STATIC_MAPS_DIR.rglob("*.js") if "vendor" not in p.parts]
    used = {g for p in scripts for g in re.findall(r"['\"](fa-[a-z0-9-]+)['\"]", p.read_text())}
    used |= {s.icon for s in [*PROFESSION_STYLES.values(), DEFAULT_PROFESSION_STYLE]}
    assert used and used <= set(ICONS), used - set(ICONS)
    css = icon_css().decode()
    defined = set(re.findall(r"\.(fa-[a-z0-9-]+):before\{content", css))
    defined |= set(re.findall(r"\.(fa-[a-z0-9-]+):before,", css))
    assert defined == set(ICONS)
    assert "@font-face" in css and "fa-solid-900" not in css and "../webfonts/icons.woff2?v=" in css
    assert len(css) < 20_000


def test_the_maps_font_has_the_glyphs_they_use_and_no_other():
    from io import BytesIO

    from fontTools.ttLib import TTFont

    from mapper.maps.assets import icon_font

    font = TTFont(BytesIO(icon_font()))
    assert font.flavor == "woff2"
    mapped = set(font.getBestCmap())
    css = icon_css().decode()
    points = {int(c, 16) for c in re.findall(r'content:"\\([0-9a-f]+)"', css)}
    assert len(points) == len(ICONS) and mapped == points  # e.g. the syringe, \uf48e
    assert 0xF48E in mapped and 0xF13D not in mapped  # the anchor is not used
    assert len(icon_font()) < 15_000


def test_the_maps_stylesheet_is_served_and_cacheable(client):
    url = asset_url("icons_css", "/assets")
    resp = client.get(url)
    assert resp.status_code == 200 and resp.mimetype == "text/css"
    assert resp.get_data() == icon_css() and ".fa-syringe:before" in resp.get_data(as_text=True)
    assert "immutable" in resp.headers["Cache-Control"]
    assert client.get("/assets/font-awesome/css/other.min.css").status_code == 404
    font = client.get(re.search(r"url\(\.\./(webfonts/icons\.woff2\?v=[0-9a-f]+)\)",
                                resp.get_data(as_text=True)).group(1).join(["/assets/font-awesome/", ""]))
    assert font.status_code == 200 and font.mimetype == "font/woff2"


def test_all_rpps_codes_of_the_brief_have_a_style():
    codes = ("10", "21", "40", "50", "60", "70", "80", "91", "92", "psychologue", "dieteticien")
    for code in codes:
        assert code in PROFESSION_STYLES
    assert profession_style(" Psychologue ") is PROFESSION_STYLES["psychologue"]
    assert profession_style("99") is DEFAULT_PROFESSION_STYLE
    assert profession_style(None) is DEFAULT_PROFESSION_STYLE


def test_icon_names_and_labels_are_checked():
    with pytest.raises(ValueError):
        check_icon('fa-x" onmouseover="alert(1)')
    with pytest.raises(ValueError):
        control_label("x", icon_class="fa-solid fa-user", color_class='a"b')
    label = control_label("<b>{{ 7*7 }}</b>")
    assert "<b>" not in label and "{" not in label and "&lt;b&gt;" in label


def test_professions_are_drawn_in_the_vocabulary_order():
    from mapper.vocab import PROFESSION_ORDER

    assert tuple(PROFESSION_STYLES) == PROFESSION_ORDER
