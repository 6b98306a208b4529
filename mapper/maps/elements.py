"""Folium elements whose content is built in the browser from an embedded JSON block.

Why not Folium's own Marker/Popup/GeoJson/Tooltip:

* Folium escapes neither popups nor tooltips, and GeoJsonTooltip builds HTML from properties.
* Branca re-parses the output of every ``MacroElement`` macro as a *Jinja template*
  (``Element(header(self, kwargs))``): a user string such as ``{{ ... }}`` placed in a macro
  would be evaluated on the server. So user data never goes through a macro here.

Instead each element writes its data as ``<script type="application/json">`` through
``RawHtml`` (rendered verbatim, never parsed as a template), with ``<``, ``>`` and ``&``
escaped as ``\\u003c``… so that ``</script>`` cannot close the block; its script macro only
holds identifiers: ``var layer = CartoCPTS.<factory>(map, "<data id>"[, target]);``. The
browser code (static/maps/cpts-maps.js) builds markers, popups and tooltips with DOM nodes and
``textContent``, never ``innerHTML`` with data.
"""
from __future__ import annotations

import html
import json
import re
import secrets
from typing import Any

from branca.element import Element, MacroElement
from folium.map import Layer
from folium.template import Template

from mapper.maps.assets import add_own_scripts

_CLUSTER_JS = ("vendor/supercluster.min.js", "cpts-cluster.js")
_TERRITORIES_JS = ("cpts-territories.js",)
#: The functions of window.CartoCPTS a data element may call, and the project's scripts each
#: needs besides ``cpts-maps.js`` (linked by every map): a page links only what it calls.
FACTORIES: dict[str, tuple[str, ...]] = {
    "professionCluster": _CLUSTER_JS, "professionLayer": (), "areaLayer": (),
    "outlineLayer": (), "legend": (), "searchedPlace": (), "setup": (), "placeLayer": (),
    "gapLayer": (), "territoryLayer": _TERRITORIES_JS, "overlapLayer": _TERRITORIES_JS,
}

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
_CLASS_RE = re.compile(r"^[A-Za-z0-9 _-]*$")


class RawJSON:
    """JSON text put as it is where this object stands in ``to_html_json``'s data: a big
    geometry written by PostGIS is not parsed and serialised again. Only for text made by
    our own code or the database (never user input): it is escaped for HTML, not checked."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _splice(text: str, marker: str, fragments: list[str]) -> str:
    """``text`` with each ``"<marker><n>"`` string replaced by ``fragments[n]``."""
    parts = text.split(f'"{marker}')
    out = [parts[0]]
    for part in parts[1:]:
        index, rest = part.split('"', 1)
        out += (fragments[int(index)], rest)
    return "".join(out)


def to_html_json(data: Any) -> str:
    """JSON safe to embed in an HTML ``<script>`` block (and still valid JSON). ``RawJSON``
    values are spliced in as they are (a random marker stands for them while serialising, so
    no user string can pass for one)."""
    fragments: list[str] = []
    marker = f"\ue000{secrets.token_hex(8)}:"

    def fragment(value: Any) -> str:
        if not isinstance(value, RawJSON):
            raise TypeError(f"{type(value).__name__} is not JSON serialisable")
        fragments.append(value.text)
        return f"{marker}{len(fragments) - 1}"

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      default=fragment)
    if fragments:
        text = _splice(text, marker, fragments)
    # Three str.replace calls (C loops) rather than str.translate with a dict, which goes
    # through a Python mapping lookup per character: 0.4 s on a 50 000-marker map.
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def control_label(text: str, *, icon_class: str = "", color_class: str = "") -> str:
    """HTML for a layer-control entry (Leaflet inserts names with innerHTML).

    The text is HTML-escaped, braces included: Folium's LayerControl puts names in a macro,
    which branca re-parses as a Jinja template.
    """
    label = html.escape(text).replace("{", "&#123;").replace("}", "&#125;")
    if not icon_class:
        return f'<span class="cpts-layer-name">{label}</span>'
    classes = f"{icon_class} cpts-layer-icon {color_class}".strip()
    if not _CLASS_RE.match(classes):
        raise ValueError(f"unsafe CSS class list: {classes!r}")
    return (
        f'<span class="cpts-layer-name"><i class="{classes}" aria-hidden="true"></i> '
        f"{label}</span>"
    )


class RawHtml(Element):
    """Markup rendered verbatim, bypassing Jinja (see module docstring)."""

    def __init__(self, markup: str):
        super().__init__()
        self._name = "RawHtml"
        self._markup = markup

    def render(self, **kwargs) -> str:
        return self._markup


_DATA_TEMPLATE = Template(
    """
    {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = CartoCPTS.{{ this.factory }}(
            {{ this.map_name }}, {{ this.data_id|tojson }}
            {%- if this.target is not none %}, {{ this.target.get_name() }}{% endif %}
        );
    {% endmacro %}
    """
)


class _DataMixin:
    """Shared by DataLayer and DataControl: the JSON block and the factory call."""

    factory: str
    target: Element | None
    data_json: str

    def _init_data(self, factory: str, data: Any, target: Element | None) -> None:
        if factory not in FACTORIES:
            raise ValueError(f"unknown CartoCPTS factory {factory!r}")
        self.factory = factory
        self.target = target
        self.data_json = to_html_json(data)

    @property
    def data_id(self) -> str:
        return f"{self.get_name()}_data"

    def owning_map(self) -> Element:
        parent = self._parent
        while parent is not None and parent._name != "Map":
            parent = parent._parent
        if parent is None:
            raise RuntimeError("data element must be added to a folium.Map")
        return parent

    @property
    def map_name(self) -> str:
        return self.owning_map().get_name()

    def _add_data_block(self) -> None:
        block = (
            f'<script type="application/json" id="{self.data_id}" class="cpts-map-data">'
            f"{self.data_json}</script>"
        )
        root = self.get_root()
        root.html.add_child(RawHtml(block), name=self.data_id)
        add_own_scripts(root, self.owning_map(), FACTORIES[self.factory])


class DataLayer(_DataMixin, Layer):
    """A Leaflet layer created by ``CartoCPTS.<factory>`` from its JSON block.

    ``label_html`` is the layer-control entry (make it with ``control_label``). Folium adds the
    layer to the map when ``show`` is true and lists it in the LayerControl when ``control``.
    """

    _template = _DATA_TEMPLATE

    def __init__(
        self,
        factory: str,
        data: Any,
        *,
        label_html: str | None = None,
        overlay: bool = True,
        control: bool = True,
        show: bool = True,
        target: Element | None = None,
    ):
        super().__init__(name=label_html, overlay=overlay, control=control, show=show)
        self._name = "CptsLayer"
        self._init_data(factory, data, target)

    def render(self, **kwargs):
        self._add_data_block()
        super().render(**kwargs)


class DataControl(_DataMixin, MacroElement):
    """A map control (legend, notice) created by ``CartoCPTS.<factory>``, which adds it."""

    _template = _DATA_TEMPLATE

    def __init__(self, factory: str, data: Any):
        super().__init__()
        self._name = "CptsControl"
        self._init_data(factory, data, None)

    def render(self, **kwargs):
        self._add_data_block()
        super().render(**kwargs)
