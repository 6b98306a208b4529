"""The options of a CPTS's widget, apart from its search filters: which professions it offers
(``choix``, repeatable or comma-separated codes), its colour (``couleur``, ``#rrggbb``), and,
in the configurator only, its height (``hauteur``, pixels).

These names are the widget's own; everything else in the query string is the search (the one
set of orientation parameters) and goes to its parser untouched.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import ValidationFailed
from ..messages import N_
from .colors import normalize_color
from .orientation import CODE_RE, MAX_CODES, list_values

OPTION_NAMES = ("choix", "couleur", "hauteur")
MAX_CHOICES = MAX_CODES
#: Height of both snippets when the CPTS chose none; the configurator's bounds.
DEFAULT_HEIGHT = 600
MIN_HEIGHT = 320
MAX_HEIGHT = 2000


def _height(raw: list[str], errors: dict) -> int:
    if not raw:
        return DEFAULT_HEIGHT
    value = raw[-1]
    if value.isascii() and value.isdecimal() and MIN_HEIGHT <= int(value) <= MAX_HEIGHT:
        return int(value)
    errors["hauteur"] = [N_("hauteur en pixels, de %(min)s à %(max)s", min=MIN_HEIGHT,
                            max=MAX_HEIGHT)]
    return DEFAULT_HEIGHT


@dataclass(frozen=True)
class WidgetOptions:
    choices: tuple[str, ...] = ()  # profession codes offered (all of the CPTS's when empty)
    color: str | None = None  # overrides the CPTS's colour
    height: int = DEFAULT_HEIGHT

    @classmethod
    def from_args(cls, args: Mapping) -> "WidgetOptions":
        """Parse the widget's own parameters; bad values raise ValidationFailed (by field)."""
        errors: dict[str, list[str]] = {}
        choices = [c.lower() for c in list_values(args, "choix")]
        if len(choices) > MAX_CHOICES or any(not CODE_RE.match(c) for c in choices):
            errors["choix"] = ["codes de profession attendus"]
        color = None
        raw_color = list_values(args, "couleur")
        if raw_color:
            color = normalize_color(raw_color[-1])
            if color is None:
                errors["couleur"] = ["couleur au format #rrggbb attendue (ex. #1d4f91)"]
        height = _height(list_values(args, "hauteur"), errors)
        if errors:
            raise ValidationFailed("Options du widget invalides.", errors=errors)
        return cls(tuple(dict.fromkeys(choices)), color, height)

    def query_items(self, cpts_color: str | None = None) -> list[tuple[str, str]]:
        """The options as they travel in the widget's URL (the height does not: it is the
        iframe's); the colour only when it differs from the CPTS's own."""
        items = [("choix", ",".join(self.choices))] if self.choices else []
        if self.color and self.color != cpts_color:
            items.append(("couleur", self.color))
        return items


def search_args(args: Mapping) -> list[tuple[str, str]]:
    """The query string without the widget's own options: what the search parser reads."""
    pairs = args.items(multi=True) if hasattr(args, "items") and hasattr(args, "getlist") \
        else args.items()
    return [(k, v) for k, v in pairs if k not in OPTION_NAMES]
