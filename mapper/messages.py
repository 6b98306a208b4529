"""Messages for people, marked for the gettext catalogue without translating them here.

``N_("…")`` marks a French msgid (``pybabel extract`` reads ``N_``, one of its default
keywords); with values it returns a ``Message``: the French text for logs, the API and files,
keeping its msgid and values so that a page shows it in the visitor's language
(``mapper.http.i18n.translate``, the ``tr`` filter). No Flask here: services and schemas use it.
"""
from __future__ import annotations


class Message(str):
    """A French message made from a msgid and values (see the module)."""

    msgid: str
    values: dict


def N_(message: str, **values) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Marks ``message`` for the catalogue; with values (``N_("Rayon de %(km)s km", km=5)``)
    the French text is formatted now and the msgid kept (a ``Message``)."""
    if not values:
        return message
    out = Message(message % values)
    out.msgid, out.values = message, values
    return out
