"""The one generator of a CPTS widget's copy-paste snippets, for every page that shows them.

Two snippets, the same widget and the same default height:

* the one-line ``<script … async>`` loading ``static/embed/widget.js`` from this service: it
  puts the iframe right after itself and resizes it to its content (the widget posts its height);
* the plain ``<iframe>``, for sites that do not take scripts.

Both carry the same widget URL: the widget's options (professions offered, colour) and, from the
map page, the chosen search filters. The pages escape the snippets again to show them.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urlencode

from flask_babel import gettext

from ..schemas.widget import WidgetOptions
from .links import external_url

LOADER = "embed/widget.js"


@dataclass(frozen=True)
class Snippets:
    script: str
    iframe: str
    url: str  # the widget with these options: the preview link

    def as_dict(self) -> dict:
        return {"script": self.script, "iframe": self.iframe, "url": self.url}


def _attributes(pairs) -> str:
    return " ".join(f'{name}="{html.escape(value)}"' for name, value in pairs)


def widget_snippets(slug: str, name: str, options: WidgetOptions | None = None, *,
                    cpts_color: str | None = None, filters=()) -> Snippets:
    """The snippets of a CPTS's widget. ``options``: professions offered, colour, height;
    ``cpts_color``: the CPTS's own colour (not repeated in the snippet); ``filters``: search
    parameters (name, value) the widget opens with."""
    options = options or WidgetOptions()
    filters = list(filters)
    query = options.query_items(cpts_color) + filters
    url = external_url("embed.cpts_widget", slug=slug)
    if query:
        url += "?" + urlencode(query)
    title = gettext("Professionnels de santé — %(name)s", name=name)
    attrs = [("src", external_url("static", filename=LOADER)), ("data-cpts", slug)]
    for key, value in options.query_items(cpts_color):
        attrs.append(({"choix": "data-professions", "couleur": "data-couleur"}[key], value))
    if filters:
        attrs.append(("data-filtres", urlencode(filters)))
    attrs += [("data-hauteur", str(options.height)), ("data-titre", title)]
    script = f"<script {_attributes(attrs)} async></script>"
    iframe = (f"<iframe {_attributes([('src', url), ('title', title)])} width=\"100%\" "
              f"height=\"{options.height}\" style=\"border:0\" loading=\"lazy\" "
              "referrerpolicy=\"strict-origin-when-cross-origin\"></iframe>")
    return Snippets(script, iframe, url)


def permanence_snippets(slug: str, name: str, height: int = 600) -> Snippets:
    """The snippets of a CPTS's permanences widget (same loader, ``data-widget``)."""
    url = external_url("embed.permanences_widget", slug=slug)
    title = gettext("Permanences — %(name)s", name=name)
    attrs = [("src", external_url("static", filename=LOADER)), ("data-cpts", slug),
             ("data-widget", "permanences"), ("data-hauteur", str(height)),
             ("data-titre", title)]
    script = f"<script {_attributes(attrs)} async></script>"
    iframe = (f"<iframe {_attributes([('src', url), ('title', title)])} width=\"100%\" "
              f"height=\"{height}\" style=\"border:0\" loading=\"lazy\" "
              "referrerpolicy=\"strict-origin-when-cross-origin\"></iframe>")
    return Snippets(script, iframe, url)
