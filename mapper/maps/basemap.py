"""The Folium map every builder starts from, and how it ends (bounds, layer control)."""
from __future__ import annotations

import html
from collections.abc import Mapping

import folium

from mapper.maps.assets import use_self_hosted_assets
from mapper.maps.data import TileConfig
from mapper.maps.elements import DataControl
from mapper.maps.texts import browser_texts, map_texts
from mapper.maps.geometry import FRANCE_CENTER, FRANCE_ZOOM, Bounds

#: Zoom cap when fitting to data, so a single marker does not open at street level 19.
FIT_MAX_ZOOM = 15
#: The map's own zoom range. Leaflet otherwise takes it from the tile layer, and without one
#: the clusters would not know the deepest zoom to build.
MIN_ZOOM = 2
MAX_ZOOM = 19


def new_map(
    tiles: TileConfig | None,
    *,
    asset_prefix: str,
    static_prefix: str,
    title: str,
    prefer_canvas: bool = False,
    texts: Mapping[str, str] | None = None,
) -> folium.Map:
    """A self-hosted-assets map centred on France, with the tile layer if there is one.

    Its first element gives the browser the map's words (``texts``, see ``maps.texts``) and
    arranges the controls (layers and legend behind one button, attribution beside the scale).
    """
    m = folium.Map(
        location=FRANCE_CENTER,
        zoom_start=FRANCE_ZOOM,
        tiles=None,
        control_scale=True,
        prefer_canvas=prefer_canvas,
        minZoom=MIN_ZOOM,
        maxZoom=tiles.max_zoom if tiles is not None and tiles.url else MAX_ZOOM,
    )
    use_self_hosted_assets(m, asset_prefix, static_prefix)
    DataControl("setup", {"texts": browser_texts(texts or map_texts())}).add_to(m)
    # Figure does not escape its title (it is inserted as a value, never re-parsed).
    m.get_root().title = html.escape(title)
    if tiles is not None and tiles.url:
        folium.TileLayer(
            tiles=tiles.url,
            attr=tiles.attribution or " ",
            max_zoom=tiles.max_zoom,
            name="Fond de carte",
            control=False,
        ).add_to(m)
    return m


def finish(m: folium.Map, bounds: Bounds, *, layer_control: bool) -> folium.Map:
    """Fit to the data (if any) and add the layer control last, as Folium requires."""
    leaflet_bounds = bounds.to_leaflet()
    if leaflet_bounds is not None:
        # Room for the controls (zoom and the layers button on top, scale and attribution
        # below), so the map opens with no data under them.
        m.fit_bounds(leaflet_bounds, max_zoom=FIT_MAX_ZOOM, padding_top_left=(20, 64),
                     padding_bottom_right=(20, 40))
    if layer_control:
        folium.LayerControl(position="topright", collapsed=False).add_to(m)
    return m
