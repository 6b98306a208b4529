"""How the territories map draws a CPTS: its own fill colour, its status as an outline.

The fill tells the CPTS apart (a palette index chosen so that neighbours differ, see
``mapper.geo.colouring``); the outline tells its status, keyed by the status codes of
``vocab.CPTS_STATUSES``: a new status needs one line here (an unknown one is drawn with
``DEFAULT_OUTLINE``). The legend shows each outline with the border style of its swatch.
"""
from __future__ import annotations

from dataclasses import dataclass

from mapper.maps.style import status_style

#: Fill colours of the CPTS (qualitative, Tableau 10 without red, pink and grey: red marks the
#: overlaps and grey the rejected projects).
TERRITORY_PALETTE: tuple[str, ...] = ("#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948",
                                      "#b07aa1", "#9c755f")
STROKE = "#1f2933"
REJECTED_FILL = "#a0a0a0"


@dataclass(frozen=True, slots=True)
class Outline:
    """The outline of a status: Leaflet ``dashArray`` and ``weight``, the legend's CSS border
    style, and ``grey`` for a status drawn without its CPTS colour (rejected)."""

    dash_array: str | None
    weight: float
    border: str  # CSS border-style of the legend swatch
    grey: bool = False
    fill_opacity: float = 0.45

    def path_options(self) -> dict:
        options = {"color": STROKE, "weight": self.weight, "fillOpacity": self.fill_opacity,
                   "lineCap": "round"}
        if self.dash_array:
            options["dashArray"] = self.dash_array
        return options


#: status code -> outline, in the order of the national life cycle.
OUTLINES: dict[str, Outline] = {
    "intention": Outline("1 6", 2.5, "dotted"),
    "projet": Outline("8 6", 2, "dashed"),
    "valide": Outline(None, 2.5, "solid"),
    "aci_signe": Outline(None, 4, "double"),  # contrat ACI signé: validated, thicker
    "rejete": Outline("2 5", 1, "dotted", grey=True, fill_opacity=0.2),
}
DEFAULT_OUTLINE = Outline("4 2 1 2", 1.5, "dashed")


def outline(status: str | None) -> Outline:
    return OUTLINES.get(str(status or "").strip().lower(), DEFAULT_OUTLINE)


def status_label(status: str | None) -> str:
    """The French label of a status (the one the rest of the site uses)."""
    return status_style(status).label


def fill_colour(colour: int | None, status: str | None) -> str:
    if outline(status).grey:
        return REJECTED_FILL
    return TERRITORY_PALETTE[(colour or 0) % len(TERRITORY_PALETTE)]
