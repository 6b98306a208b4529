"""What the search page shows besides the results: the one-line summary of the criteria, the
links that widen the radius, the competencies in groups, the language choices.

The query string is the whole state: every link here is the same search with one parameter
changed (``OrientationParams.replace``), under the French names.
"""
from __future__ import annotations

import unicodedata

from flask import url_for
from flask_babel import gettext as _

from .. import labels
from ..http.i18n import language_name, translate
from ..schemas.orientation import OrientationParams
from .formatting import fr_datetime, fr_km


def search_url(params: OrientationParams, **changes) -> str:
    query = params.replace(**changes).query_string() if changes else params.query_string()
    return url_for("directory.search") + ("?" + query if query else "")


def widen_links(params: OrientationParams, radii) -> list[tuple[str, str]]:
    """(label, url) of the same search within each wider radius."""
    return [(_("%(km)s km", km=fr_km(r)), search_url(params, radius_km=r)) for r in radii]


def summary(params: OrientationParams, found, profession_labels: dict[str, str],
            competency_labels: dict[str, str]) -> list[str]:
    """The criteria in words, for the one-line summary above the results."""
    parts = [", ".join(translate(profession_labels.get(p, p)) for p in params.professions)
             or _("Toutes professions")]
    if found is not None and found.label:
        parts.append(_("près de « %(place)s »", place=found.label))
    elif params.near is not None:
        parts.append(_("près de votre position"))
    if found is not None and found.radius_km is not None:
        parts.append(_("%(km)s km", km=fr_km(found.radius_km)))
    parts += [translate(competency_labels.get(c, c)) for c in params.competencies]
    flags = ((params.accepting_new_patients, _("nouveaux patients")),
             (params.open_now, _("ouvert maintenant")),
             (params.covers_me, _("se déplace à domicile")),
             (params.accessible, _("accessible")),
             (params.teleconsultation, _("téléconsultation")))
    parts += [text for value, text in flags if value]
    if params.open_at is not None:
        parts.append(_("disponible le %(when)s", when=fr_datetime(params.open_at)))
    if params.language:
        parts.append(_("parle %(language)s", language=language_name(params.language)))
    return parts


def competency_groups(items: list[dict]) -> list[tuple[str, list[dict]]]:
    """The competencies in the form's groups (the vocabulary's order within a group)."""
    by_slug = {c["slug"]: c for c in items}
    groups, seen = [], set()
    for title, slugs in labels.COMPETENCY_GROUPS:
        members = [by_slug[s] for s in slugs if s in by_slug]
        seen.update(slugs)
        if members:
            groups.append((_(title), sorted(members, key=lambda c: c["label"])))
    others = [c for c in items if c["slug"] not in seen]
    if others:
        groups.append((_("Autres"), others))
    return groups


def language_choices(selected: str | None) -> list[tuple[str, str]]:
    """The languages the form offers, named in the page's language, in alphabetical order."""
    codes = list(labels.SEARCH_LANGUAGES) + (
        [selected] if selected and selected not in labels.SEARCH_LANGUAGES else [])
    return sorted(((c, language_name(c)) for c in codes),
                  key=lambda kv: unicodedata.normalize("NFKD", kv[1]).casefold())
