"""The sites allowed to frame a CPTS's widget: web origins, checked and written one way.

An origin is what a browser compares with CSP ``frame-ancestors``: ``https://host[:port]``,
nothing else (no path, query, user or fragment). ``http://`` only for a machine's own address
(``localhost``, ``127.0.0.1``: a site being built). Values are normalised so that two ways of
writing one site are one entry: ``www.cpts.fr/`` → ``https://www.cpts.fr``, ``HTTPS://CPTS.FR:443``
→ ``https://cpts.fr``, an internationalised name in its ASCII (punycode) form. The API's PATCH
and the CPTS page's form both go through ``clean_origins`` (via the life cycle's
``clean_fields``): one set of rules, one set of French reasons.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..messages import N_

#: They go into one CSP header, which must stay short.
MAX_ORIGINS = 20
MAX_LENGTH = 200
LOCAL_HOSTS = ("localhost", "127.0.0.1")
DEFAULT_PORTS = {"https": 443, "http": 80}
_HOST_PORT = re.compile(r"^[^:/]+:\d*/?$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class BadOrigin(ValueError):
    """One value that is not an origin; its reason is a French ``Message``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _host(raw: str, value: str) -> str:
    try:
        host = raw.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = ""
    labels = host.split(".")
    if host in LOCAL_HOSTS:
        return host
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(p) for p in labels) \
            or labels[-1].isdecimal():
        raise BadOrigin(N_("« %(value)s » : nom de site invalide (par exemple "
                           "https://www.cpts-exemple.fr).", value=value))
    return host


def normalize_origin(raw: object) -> str:
    """``raw`` as an origin (``scheme://host[:port]``), or ``BadOrigin`` with the reason."""
    value = str(raw if raw is not None else "").strip()
    if len(value) > MAX_LENGTH:
        raise BadOrigin(N_("« %(value)s… » : %(max)s caractères au plus.", value=value[:40],
                           max=MAX_LENGTH))
    if "://" not in value and ":" in value and not _HOST_PORT.match(value):
        raise BadOrigin(N_("« %(value)s » : l'adresse doit commencer par https:// "
                           "(http:// seulement pour localhost).", value=value))
    url = value if "://" in value else f"https://{value}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadOrigin(N_("« %(value)s » : numéro de port invalide.", value=value)) from None
    if parts.username is not None or parts.password is not None or parts.query \
            or parts.fragment or parts.path not in ("", "/"):
        raise BadOrigin(N_("« %(value)s » : indiquez seulement l'adresse du site, sans chemin "
                           "ni paramètres (par exemple https://www.cpts-exemple.fr).",
                           value=value))
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "", value)
    if scheme != "https" and not (scheme == "http" and host in LOCAL_HOSTS):
        raise BadOrigin(N_("« %(value)s » : l'adresse doit commencer par https:// "
                           "(http:// seulement pour localhost).", value=value))
    if port is not None and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def clean_origins(values) -> tuple[list[str], list[str]]:
    """(the origins, normalised, blanks and duplicates dropped, in their order; the reasons
    of those refused, one per bad value)."""
    origins: list[str] = []
    reasons: list[str] = []
    for raw in values or []:
        if not str(raw if raw is not None else "").strip():
            continue
        try:
            origin = normalize_origin(raw)
        except BadOrigin as exc:
            reasons.append(exc.reason)
            continue
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        reasons.append(N_("%(max)s sites au plus.", max=MAX_ORIGINS))
    return origins, reasons
