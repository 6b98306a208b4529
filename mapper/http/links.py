"""Absolute links: the one place the service turns a path into a URL another person will open.

Sign-in links, QR codes, iCalendar feeds, posters, widget snippets and mails leave the page they
were built on: behind a reverse proxy the request's host may be an internal name, so a deployment
sets ``MAPPER_BASE_URL`` and every absolute link starts with it. Without it, the request's own
host (as before); outside a request (the CLI), ``http://127.0.0.1:5000``.
"""
from __future__ import annotations

from flask import has_request_context, request, url_for

from ..config import get_settings

#: Where ``mapper serve`` listens by default: the CLI's links without ``MAPPER_BASE_URL``.
LOCAL_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """The public address of the service, without a trailing slash."""
    configured = get_settings().base_url
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    return LOCAL_BASE_URL


def absolute(path: str) -> str:
    """``path`` (``/cpts/x``) as an absolute URL on :func:`base_url`."""
    return base_url() + "/" + path.lstrip("/")


def external_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` as an absolute URL on :func:`base_url`."""
    return absolute(url_for(endpoint, **values))
