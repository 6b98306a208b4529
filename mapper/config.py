"""Settings from the environment (``MAPPER_*``), validated once at start-up.

Every setting has a safe default so that ``make run`` works with nothing configured; a bad value
fails the start with a message naming the variable instead of surfacing later as a 500.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting from the environment is malformed."""


def _int(env: dict, name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    return value


def _float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must be >= 0, got {value}")
    return value


def _base_url(raw: str | None) -> str | None:
    """``MAPPER_BASE_URL``: an http(s) origin (scheme, host, optional port), no path, query,
    fragment or credentials: the pages' own paths follow it. Kept without a trailing slash."""
    if not raw:
        return None
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"MAPPER_BASE_URL must be an http(s) URL, got {raw!r}")
    if (parts.path not in ("", "/") or parts.query or parts.fragment or parts.username
            or parts.password):
        raise ConfigError(f"MAPPER_BASE_URL must have no path, query, fragment or credentials, "
                          f"got {raw!r}")
    try:
        parts.port  # noqa: B018 (validates the port)
    except ValueError:
        raise ConfigError(f"MAPPER_BASE_URL has an invalid port: {raw!r}") from None
    return raw.strip().rstrip("/")


def _pg_url(env: dict, name: str) -> str | None:
    url = env.get(name) or None
    if url and not url.startswith(("postgresql://", "postgresql+psycopg://")):
        raise ConfigError(f"{name} must be a postgresql+psycopg:// URL, "
                          f"got scheme {url.split(':', 1)[0]!r}")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


_YES, _NO = ("1", "true", "yes", "oui", "on"), ("0", "false", "no", "non", "off")


def _bool(env: dict, name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in _YES + _NO:
        raise ConfigError(f"{name} must be one of {', '.join(_YES + _NO)}, got {raw!r}")
    return raw in _YES


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server the service sends through (``MAPPER_SMTP_*``, ``MAPPER_MAIL_FROM``).

    Credentials are never sent in clear to another machine: with a user name, STARTTLS is
    required unless the server is this host (a local relay)."""

    host: str
    port: int = 587
    starttls: bool = True
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = ""
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: dict) -> "SmtpSettings | None":
        from email.utils import parseaddr

        host = (env.get("MAPPER_SMTP_HOST") or "").strip()
        names = ("MAPPER_SMTP_PORT", "MAPPER_SMTP_STARTTLS", "MAPPER_SMTP_USERNAME",
                 "MAPPER_SMTP_PASSWORD", "MAPPER_MAIL_FROM")
        if not host:
            given = [n for n in names if env.get(n)]
            if given:
                raise ConfigError(f"{', '.join(given)} given without MAPPER_SMTP_HOST")
            return None
        port = _int(env, "MAPPER_SMTP_PORT", 587, 1)
        if port > 65535:
            raise ConfigError(f"MAPPER_SMTP_PORT must be <= 65535, got {port}")
        username = env.get("MAPPER_SMTP_USERNAME") or None
        password = env.get("MAPPER_SMTP_PASSWORD") or None
        if bool(username) != bool(password):
            raise ConfigError("MAPPER_SMTP_USERNAME and MAPPER_SMTP_PASSWORD go together")
        starttls = _bool(env, "MAPPER_SMTP_STARTTLS", True)
        if username and not starttls and host not in ("localhost", "127.0.0.1", "::1"):
            raise ConfigError("MAPPER_SMTP_STARTTLS=0 with credentials would send the password "
                              f"in clear to {host}")
        sender = (env.get("MAPPER_MAIL_FROM") or "").strip()
        if "@" not in parseaddr(sender)[1] or "\n" in sender or "\r" in sender:
            raise ConfigError("MAPPER_MAIL_FROM must be an address such as "
                              f"'Carto CPTS <noreply@example.org>', got {sender!r}")
        return cls(host=host, port=port, starttls=starttls, username=username,
                   password=password, sender=sender,
                   timeout=_float(env, "MAPPER_SMTP_TIMEOUT", 10.0) or 10.0)


def _annuaire_sante(env: dict) -> dict:
    url = (env.get("MAPPER_ANNUAIRE_SANTE_URL") or Settings.annuaire_sante_url).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(f"MAPPER_ANNUAIRE_SANTE_URL must be an http(s) URL, got {url!r}")
    rate = _float(env, "MAPPER_ANNUAIRE_SANTE_RATE", 5.0)
    if rate <= 0:
        raise ConfigError("MAPPER_ANNUAIRE_SANTE_RATE must be > 0")
    page = _int(env, "MAPPER_ANNUAIRE_SANTE_PAGE_SIZE", 100, 1)
    if page > 1000:
        raise ConfigError(f"MAPPER_ANNUAIRE_SANTE_PAGE_SIZE must be <= 1000, got {page}")
    return dict(annuaire_sante_url=url.rstrip("/"),
                annuaire_sante_api_key=(env.get("MAPPER_ANNUAIRE_SANTE_API_KEY") or "").strip()
                or None,
                annuaire_sante_rate=rate, annuaire_sante_page_size=page,
                annuaire_sante_retries=_int(env, "MAPPER_ANNUAIRE_SANTE_RETRIES", 3, 0))


@dataclass(frozen=True)
class Settings:
    """Typed settings; ``from_env`` is the only constructor used outside tests."""

    database_url: str | None = None
    #: A streaming replica of the database (``MAPPER_DATABASE_REPLICA_URL``) for anonymous
    #: reads (``http.replica`` says which), used while its replay lags at most
    #: ``replica_max_lag_s`` seconds (``MAPPER_REPLICA_MAX_LAG_S``) behind the primary.
    database_replica_url: str | None = None
    replica_max_lag_s: float = 5.0
    #: Reverse proxies in front of the service whose ``X-Forwarded-For``/``-Proto`` are
    #: trusted (``MAPPER_PROXY_COUNT``); 0: the peer's address is the client's.
    proxy_count: int = 0
    data_dir: Path = PROJECT_ROOT / "data"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32), repr=False)
    max_body_bytes: int = 5 * 1024 * 1024
    api_statement_timeout_ms: int = 5_000
    import_statement_timeout_ms: int = 30 * 60 * 1000
    max_vertices: int = 100_000
    overlap_min_km2: float = 0.01
    overlap_min_share: float = 0.001
    ban_base_url: str = "https://data.geopf.fr/geocodage"
    ban_min_score: float = 0.5
    api_geo_base_url: str = "https://geo.api.gouv.fr"
    tiles_url: str | None = "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"
    tiles_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
        "contributors, tuiles OpenStreetMap France"
    )
    session_cookie_secure: bool = True
    #: Address autocomplete (``/api/v1/adresses``): requests per second per client, and burst.
    autocomplete_rate: float = 5.0
    autocomplete_burst: int = 20
    #: The gettext catalogues of the pages (``<lang>/LC_MESSAGES/messages.mo``); a deployment
    #: may point elsewhere to add or override languages without touching the package.
    translations_dir: Path = PROJECT_ROOT / "mapper" / "translations"
    #: The public address of the service (``MAPPER_BASE_URL``, e.g. ``https://carto.example.fr``):
    #: every absolute link the service builds (sign-in links, QR codes, feeds, snippets, mails)
    #: starts with it. None: the request's own host (the CLI: ``http://127.0.0.1:5000``).
    base_url: str | None = None
    #: Outgoing mail (invitations): no host, no mail; the links are logged instead.
    smtp: SmtpSettings | None = None
    #: The Annuaire Santé FHIR API (``mapper import annuaire-sante``): base URL, the key sent
    #: as ``ESANTE-API-KEY`` (never in the repository), requests per second, page size and
    #: retries of a failed request (5xx, network) before the run stops (it resumes later).
    annuaire_sante_url: str = "https://gateway.api.esante.gouv.fr/fhir/v2"
    annuaire_sante_api_key: str | None = field(default=None, repr=False)
    annuaire_sante_rate: float = 5.0
    annuaire_sante_page_size: int = 100
    annuaire_sante_retries: int = 3

    @property
    def pg_dir(self) -> Path:
        return self.data_dir / "pg"

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        url = _pg_url(env, "MAPPER_DATABASE_URL")
        replica = _pg_url(env, "MAPPER_DATABASE_REPLICA_URL")
        if replica and not url:
            raise ConfigError("MAPPER_DATABASE_REPLICA_URL needs MAPPER_DATABASE_URL (the primary)")
        secret = env.get("MAPPER_SECRET_KEY")
        tiles = env.get("MAPPER_TILES_URL")
        kwargs = dict(
            database_url=url, database_replica_url=replica,
            replica_max_lag_s=_float(env, "MAPPER_REPLICA_MAX_LAG_S", 5.0),
            proxy_count=_int(env, "MAPPER_PROXY_COUNT", 0, 0),
            data_dir=Path(env.get("MAPPER_DATA_DIR") or PROJECT_ROOT / "data"),
            max_body_bytes=_int(env, "MAPPER_MAX_BODY_BYTES", 5 * 1024 * 1024, 1024),
            api_statement_timeout_ms=_int(env, "MAPPER_STATEMENT_TIMEOUT_MS", 5_000, 1),
            import_statement_timeout_ms=_int(
                env, "MAPPER_IMPORT_STATEMENT_TIMEOUT_MS", 30 * 60 * 1000, 1
            ),
            max_vertices=_int(env, "MAPPER_MAX_VERTICES", 100_000, 4),
            overlap_min_km2=_float(env, "MAPPER_OVERLAP_MIN_KM2", 0.01),
            overlap_min_share=_float(env, "MAPPER_OVERLAP_MIN_SHARE", 0.001),
            ban_base_url=(env.get("MAPPER_BAN_URL") or cls.ban_base_url).rstrip("/"),
            ban_min_score=_float(env, "MAPPER_BAN_MIN_SCORE", 0.5),
            api_geo_base_url=(env.get("MAPPER_API_GEO_URL") or cls.api_geo_base_url).rstrip("/"),
            session_cookie_secure=env.get("MAPPER_INSECURE_COOKIES", "") not in ("1", "true"),
            autocomplete_rate=_float(env, "MAPPER_AUTOCOMPLETE_RATE", 5.0),
            autocomplete_burst=_int(env, "MAPPER_AUTOCOMPLETE_BURST", 20, 1),
            translations_dir=Path(env.get("MAPPER_TRANSLATIONS_DIR")
                                  or PROJECT_ROOT / "mapper" / "translations"),
        )
        kwargs["base_url"] = _base_url(env.get("MAPPER_BASE_URL"))
        kwargs.update(_annuaire_sante(env))
        kwargs["smtp"] = SmtpSettings.from_env(env)
        if kwargs["autocomplete_rate"] <= 0:
            raise ConfigError("MAPPER_AUTOCOMPLETE_RATE must be > 0")
        if secret:
            kwargs["secret_key"] = secret
        if tiles is not None:
            kwargs["tiles_url"] = tiles or None
        if env.get("MAPPER_TILES_ATTRIBUTION"):
            kwargs["tiles_attribution"] = env["MAPPER_TILES_ATTRIBUTION"]
        return cls(**kwargs)

    def replace(self, **changes) -> "Settings":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)


def get_settings(app=None) -> Settings:
    """The settings of ``app`` (default: the current application), as ``create_app`` stored
    them. Never a fresh ``Settings()``: that would silently ignore the environment."""
    return (app or current_app).extensions["mapper.settings"]
