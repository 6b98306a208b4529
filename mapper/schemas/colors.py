"""Colours a CPTS brands its widget with: ``#rrggbb`` only, and a text colour derived from it.

The brand colour is a background (the widget's header bar, its buttons); the text on it is
black or white, whichever contrasts more (WCAG 2.1 relative luminance). Either one reaches at
least 4.58:1 on any colour, so every well-formed colour is usable and the derived text colour
always meets WCAG AA for normal text (4.5:1).
"""
from __future__ import annotations

import re

COLOR_RE = re.compile(r"^#[0-9a-f]{6}$")
#: The widget's colour when the CPTS chose none (the site's blue).
DEFAULT_COLOR = "#1d4f91"
DARK_TEXT = "#000000"
LIGHT_TEXT = "#ffffff"
#: WCAG AA, normal text.
MIN_CONTRAST = 4.5


def normalize_color(raw: object) -> str | None:
    """`` #1D4F91 `` → ``#1d4f91``; None when it is not ``#rrggbb``."""
    value = str(raw or "").strip().lower()
    return value if COLOR_RE.match(value) else None


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return (DARK_TEXT if contrast(background, DARK_TEXT) >= contrast(background, LIGHT_TEXT)
            else LIGHT_TEXT)


def brand(color: str | None) -> tuple[str, str]:
    """(background, text) of a widget: the CPTS's colour (or the default) and its text."""
    background = normalize_color(color) or DEFAULT_COLOR
    return background, text_color(background)
