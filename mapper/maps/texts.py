"""The words the map shows in the browser, in one place, so that pages can translate them.

The builders send these strings to the browser with the map's data (``cpts-maps.js`` holds no
user-visible French). Defaults are French; a page passes ``texts=translated_texts(gettext)``
(``mapper.http.pagemaps``) to show them in the visitor's language. ``N_`` marks the msgids for
``pybabel extract`` (one of its default keywords) without translating them here: this layer
knows nothing of Flask. Placeholders in braces (``{n}``, ``{list}``…) are filled by the browser.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from mapper.maps.formatting import N_
from mapper.maps.style import DEFAULT_PROFESSION_STYLE, PROFESSION_STYLES


#: key -> French msgid.
TEXTS: dict[str, str] = {
    "professional": N_("Professionnel"),
    "searched": N_("Adresse recherchée"),
    "searchedTitle": N_("Adresse recherchée : {label}"),
    "boundary": N_("Territoire de la CPTS"),
    "empty": N_("Aucun professionnel à afficher sur cette carte."),
    "stale": N_("Non vérifié depuis 6 mois"),
    "competencies": N_("Compétences"),
    "acceptsNew": N_("Accepte de nouveaux patients"),
    "refusesNew": N_("N’accepte pas de nouveaux patients"),
    "nextOpening": N_("Prochaine ouverture : {when}"),
    "openNow": N_("Ouvert maintenant"),
    "openUntil": N_("Ouvert maintenant jusqu’à {end}"),
    "distance": N_("À {distance} de l’adresse recherchée"),
    "km": N_("{n} km"),
    "m": N_("{n} m"),
    "details": N_("Voir la fiche"),
    "detailsOf": N_("Voir la fiche de {name}"),
    "call": N_("Appeler {phone}"),
    "showZone": N_("Afficher la zone d’intervention"),
    "hideZone": N_("Masquer la zone d’intervention"),
    "loading": N_("Chargement…"),
    "zoneUnavailable": N_("Zone d’intervention indisponible."),
    "close": N_("Fermer"),
    "legendButton": N_("Légende et calques"),
    "legendTitle": N_("Légende"),
    "clusterOne": N_("1 professionnel : {list}"),
    "clusterMany": N_("{n} professionnels : {list}"),
    "population": N_("Population : {value}"),
    "populationAffected": N_("Population concernée : {value}"),
    "inhabitants": N_("{n} hab."),
    "unknown": N_("inconnue"),
    "overlap": N_("Chevauchement"),
    "overlapPair": N_("« {a} » et « {b} »"),
    "estimated": N_("(estimation au prorata des surfaces)"),
    "area": N_("Surface : {value} km²"),
    "noCpts": N_("Aucune CPTS (zone blanche)"),
    "oneCpts": N_("Couverte par une CPTS"),
    "manyCpts": N_("Revendiquée par {n} CPTS"),
    "cptsPage": N_("Ouvrir la page de la CPTS"),
    "cptsPageOf": N_("Ouvrir la page de {name}"),
    "claimedBy": N_("Revendiqué par {n} CPTS :"),
    "sharedCommunes": N_("Communes : {list}"),
    "moreCommunes": N_("{list} et {n} autres"),
}




def _profession_texts() -> dict[str, str]:
    """``profession.<code>`` (layer label) and ``professions.<code>`` (lower-case plural)."""
    out = {}
    for code, style in (*PROFESSION_STYLES.items(), ("", DEFAULT_PROFESSION_STYLE)):
        out[f"profession.{code}"] = style.label
        out[f"professions.{code}"] = style.plural
    return out


def map_texts(translate: Callable[[str], str] | None = None,
              overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The texts (``TEXTS`` and the professions' names), each through ``translate`` (a
    gettext) if given, then ``overrides``."""
    source = {**TEXTS, **_profession_texts()}
    out = {key: (translate(text) if translate else text) for key, text in source.items()}
    out.update(overrides or {})
    return out


#: The browser's share of the texts (the professions' names are used by the builders).
def browser_texts(texts: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in texts.items() if key in TEXTS}
