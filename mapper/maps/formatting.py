"""French number formatting for legends (tooltips format in the browser with Intl fr-FR)."""
from __future__ import annotations

def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark ``text`` for ``pybabel extract`` (a default keyword) without translating it: the
    maps know nothing of Flask; pages translate through ``texts.map_texts(gettext)``."""
    return text


#: French thousands separator: narrow no-break space, as Intl.NumberFormat("fr-FR") uses.
THOUSANDS = "\u202f"


def fr_int(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{round(value):,}".replace(",", THOUSANDS)


def fr_decimal(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def fr_percent(part: float | None, whole: float | None, digits: int = 1) -> str | None:
    """``"3,4\u00a0%"`` or None when the share is undefined."""
    if part is None or not whole:
        return None
    return f"{fr_decimal(100 * part / whole, digits)}\u00a0%"


def plural(count: int | None, singular: str, plural_form: str | None = None) -> str:
    """``"1 commune"``, ``"12 communes"`` (French: 0 and 1 take the singular)."""
    word = singular if (count or 0) <= 1 else (plural_form or singular + "s")
    return f"{fr_int(count or 0)} {word}"
