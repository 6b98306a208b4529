"""Fixtures for the map builder tests: sample data and an HTML page inspector. No database."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from mapper.maps import ProfessionalMarker, TileConfig

XSS_NAMES = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "{{ 7*7 }}",
    "{% if true %}jinja{% endif %}",
    "'\"&amp;\u2028x",
)

TILES = TileConfig(
    url="https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
    attribution="© les contributeurs d’OpenStreetMap",
)

NONCE = "r4nd0mN0nce_value"


@dataclass
class Page:
    """What a rendered page contains, as parsed by html.parser."""

    scripts: list[dict] = field(default_factory=list)  # attrs + "text"
    links: list[dict] = field(default_factory=list)
    styles: list[dict] = field(default_factory=list)
    attributes: list[tuple[str, str, str | None]] = field(default_factory=list)  # tag, name, value

    def json_blocks(self) -> dict[str, object]:
        return {
            s["id"]: json.loads(s["text"])
            for s in self.scripts
            if s.get("type") == "application/json"
        }

    def inline_scripts(self) -> list[str]:
        return [
            s["text"]
            for s in self.scripts
            if "src" not in s and s.get("type") != "application/json"
        ]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            self.page.attributes.append((tag, name, value))
        if tag == "script":
            self._current = {**attributes, "text": ""}
            self.page.scripts.append(self._current)
        elif tag == "style":
            self._current = {**attributes, "text": ""}
            self.page.styles.append(self._current)
        elif tag == "link":
            self.page.links.append(attributes)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._current = None

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data


@pytest.fixture
def tiles() -> TileConfig:
    return TILES


@pytest.fixture
def nonce() -> str:
    return NONCE


@pytest.fixture(params=XSS_NAMES, ids=lambda s: s.encode("unicode_escape").decode()[:20])
def xss_name(request) -> str:
    """Hostile strings: HTML/script injection, JS template syntax, Jinja syntax."""
    return request.param


@pytest.fixture
def parse_page():
    def parse(markup: str) -> Page:
        parser = _Parser()
        parser.feed(markup)
        parser.close()
        return parser.page

    return parse


@pytest.fixture
def make_marker():
    counter = iter(range(1, 10**9))

    def make(**overrides) -> ProfessionalMarker:
        values = dict(
            id=next(counter),
            first_name="Camille",
            last_name="Martin",
            profession_code="10",
            profession_label="Médecin généraliste",
            competencies=["Suivi de grossesse", "Petite chirurgie"],
            address="12 rue de la Paix, 13001 Marseille",
            lat=43.2965,
            lon=5.3698,
            phone="04 91 00 00 00",
            accepts_new_patients=True,
            next_slot="2026-06-02T14:30:00+02:00",
            stale=False,
            zone_url=None,
        )
        values.update(overrides)
        return ProfessionalMarker(**values)

    return make


@pytest.fixture
def square():
    def make(lon: float, lat: float, size: float = 0.05) -> dict:
        east, north = lon + size, lat + size
        ring = [[lon, lat], [east, lat], [east, north], [lon, north], [lon, lat]]
        return {"type": "Polygon", "coordinates": [ring]}

    return make
