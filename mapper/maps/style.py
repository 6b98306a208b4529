"""Colours, icons and French labels used by the maps.

Profession colours are *named* palette entries rather than raw hex values: the markers and the
layer-control labels are coloured by CSS classes (``cpts-color-<name>`` in
``static/maps/cpts-maps.css``), so that no ``style=""`` attribute is ever parsed from an HTML
string — those would be blocked by a strict Content-Security-Policy. The hex value is still
given to the JavaScript for SVG/canvas paths (intervention zones), which Leaflet styles through
the DOM, not through markup. ``tests/maps/test_style.py`` checks the CSS defines every palette
entry and that every icon exists in the bundled Font-Awesome.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mapper.maps.formatting import N_

#: Palette name -> hex. Keep in sync with ``.cpts-color-*`` in static/maps/cpts-maps.css.
PALETTE: dict[str, str] = {
    "blue": "#1f6fb4",
    "green": "#2e8b3d",
    "teal": "#138580",
    "pink": "#c2417f",
    "red": "#c9302c",
    "orange": "#e07b00",
    "brown": "#8c5a2b",
    "purple": "#6f42c1",
    "cyan": "#1a8fb3",
    "indigo": "#3f51b5",
    "olive": "#6b7d1a",
    "grey": "#5f6b73",
}

_ICON_RE = re.compile(r"^fa-[a-z0-9-]+$")


@dataclass(frozen=True, slots=True)
class ProfessionStyle:
    """How one profession is drawn: palette colour, Font-Awesome solid icon, French label."""

    color: str  # a PALETTE key
    icon: str  # a Font-Awesome 6 solid icon name, e.g. "fa-user-doctor"
    label: str
    plural: str = ""  # lower case, as in « 12 professionnels : 8 médecins, 4 infirmiers »

    @property
    def hex(self) -> str:
        return PALETTE[self.color]

    @property
    def icon_class(self) -> str:
        return f"fa-solid {self.icon}"

    @property
    def color_class(self) -> str:
        return f"cpts-color-{self.color}"


#: RPPS profession codes, then non-RPPS roles a CPTS commonly lists (keyed by a slug), in
#: ``vocab.PROFESSION_ORDER``: the order of the layers in the layer control.
PROFESSION_STYLES: dict[str, ProfessionStyle] = {
    "10": ProfessionStyle("blue", "fa-user-doctor", N_("Médecin"), N_("médecins")),
    "21": ProfessionStyle("green", "fa-prescription-bottle-medical", N_("Pharmacien"),
                          N_("pharmaciens")),
    "40": ProfessionStyle("teal", "fa-tooth", N_("Chirurgien-dentiste"),
                          N_("chirurgiens-dentistes")),
    "50": ProfessionStyle("pink", "fa-person-pregnant", N_("Sage-femme"), N_("sages-femmes")),
    "60": ProfessionStyle("red", "fa-syringe", N_("Infirmier"), N_("infirmiers")),
    "70": ProfessionStyle("orange", "fa-person-walking", N_("Masseur-kinésithérapeute"),
                          N_("masseurs-kinésithérapeutes")),
    "80": ProfessionStyle("brown", "fa-shoe-prints", N_("Pédicure-podologue"),
                          N_("pédicures-podologues")),
    "91": ProfessionStyle("purple", "fa-comment-medical", N_("Orthophoniste"),
                          N_("orthophonistes")),
    "92": ProfessionStyle("cyan", "fa-eye", N_("Orthoptiste"), N_("orthoptistes")),
    "psychologue": ProfessionStyle("indigo", "fa-brain", N_("Psychologue"), N_("psychologues")),
    "dieteticien": ProfessionStyle("olive", "fa-apple-whole", N_("Diététicien"),
                                   N_("diététiciens")),
}

DEFAULT_PROFESSION_STYLE = ProfessionStyle("grey", "fa-user", N_("Autre professionnel"),
                                           N_("autres professionnels"))


def profession_style(code: str | None) -> ProfessionStyle:
    """Style for an RPPS code or role slug; unknown codes get the neutral default."""
    return PROFESSION_STYLES.get(str(code or "").strip().lower(), DEFAULT_PROFESSION_STYLE)


#: The glyphs the map script draws itself (``static/maps/cpts-maps.js``: popups, pins, buttons).
SCRIPT_GLYPHS = ("fa-location-dot", "fa-triangle-exclamation", "fa-calendar-check",
                 "fa-circle-check", "fa-circle-xmark", "fa-map-pin", "fa-phone", "fa-xmark",
                 "fa-house-user", "fa-layer-group")
#: Every glyph a map may show: the only ones the maps' Font-Awesome stylesheet defines
#: (``assets.icon_css``; a test checks the script uses no other).
ICONS: tuple[str, ...] = tuple(sorted({
    *SCRIPT_GLYPHS, DEFAULT_PROFESSION_STYLE.icon,
    *(style.icon for style in PROFESSION_STYLES.values())}))


def check_icon(icon: str) -> str:
    """Reject anything that is not a plain Font-Awesome icon name (it ends up in a class list)."""
    if not _ICON_RE.match(icon):
        raise ValueError(f"not a Font-Awesome icon name: {icon!r}")
    return icon


# --- Territory review ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AreaStyle:
    """Leaflet path options for a polygon layer, plus its French label."""

    label: str
    color: str  # stroke, hex
    fill_color: str  # hex
    fill_opacity: float = 0.35
    weight: float = 2
    dash_array: str | None = None

    def path_options(self) -> dict:
        options = {
            "color": self.color,
            "fillColor": self.fill_color,
            "fillOpacity": self.fill_opacity,
            "weight": self.weight,
        }
        if self.dash_array:
            options["dashArray"] = self.dash_array
        return options


#: CPTS statuses, in the order of the ARS procedure.
STATUS_STYLES: dict[str, AreaStyle] = {
    "intention": AreaStyle(N_("Lettre d'intention"), "#b7791f", "#f6c85f", 0.30, 2, "4 4"),
    "projet": AreaStyle(N_("Projet"), "#1f5fa8", "#5b9bd5", 0.30),
    "valide": AreaStyle(N_("Validée par l'ARS"), "#23753a", "#4caf50", 0.35),
    "aci_signe": AreaStyle(N_("Contrat ACI signé"), "#0f5132", "#2e8b57", 0.40, 3),
    "rejete": AreaStyle(N_("Rejetée"), "#6b6b6b", "#a0a0a0", 0.20, 1.5, "2 6"),
}

DEFAULT_STATUS_STYLE = AreaStyle(N_("Statut inconnu"), "#5f6b73", "#b0b8bd", 0.25)

OVERLAP_STYLE = AreaStyle(N_("Chevauchement"), "#b10026", "#e31a1c", 0.55, 2.5)


def status_style(status: str | None) -> AreaStyle:
    return STATUS_STYLES.get(str(status or "").strip().lower(), DEFAULT_STATUS_STYLE)


# --- Coverage ----------------------------------------------------------------------------------

COVERAGE_STYLES: dict[str, AreaStyle] = {
    "uncovered": AreaStyle("Zones blanches (aucune CPTS)", "#a50f15", "#fb6a4a", 0.6, 0.8),
    "multiple": AreaStyle(
        "Communes revendiquées par plusieurs CPTS", "#54278f", "#9e6bd6", 0.6, 0.8
    ),
    "single": AreaStyle("Communes couvertes par une CPTS", "#4a8f4a", "#a1d99b", 0.35, 0.5),
}
