"""The language of the pages: French by default, any language with a catalogue beside it.

The language is chosen, in order, by ``?lang=xx`` (kept in a cookie, so the choice follows the
visitor from page to page), the ``lang`` cookie, then the browser's ``Accept-Language``. The
catalogues are standard gettext files in ``mapper/translations/<lang>/LC_MESSAGES/messages.po``
(extracted with ``pybabel extract -F babel.cfg``), compiled by ``make``; a CPTS adds a language
by adding a catalogue (or points ``MAPPER_TRANSLATIONS_DIR`` at its own directory). Templates write ``{{ _("…") }}``; pages read ``lang`` and ``dir`` (for
right-to-left scripts) from ``page_language()``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, g, request
from flask_babel import Babel, get_locale, get_translations

from ..config import get_settings
from ..labels import OTHER_LANGUAGE_NAMES
from ..messages import Message

DEFAULT = "fr"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _catalogues(directory: Path) -> list[str]:
    return sorted(p.parent.parent.name for p in directory.glob("*/LC_MESSAGES/messages.mo"))


def available_languages() -> list[str]:
    """French (the source language) and every language with a compiled catalogue (in the
    ``translations_dir`` setting, ``MAPPER_TRANSLATIONS_DIR``), read once per application."""
    found = current_app.extensions.get("mapper.languages")
    if found is None:
        found = _catalogues(Path(get_settings().translations_dir))
        current_app.extensions["mapper.languages"] = found
    return [DEFAULT] + [lang for lang in found if lang != DEFAULT]


def _known(code: str | None, languages: list[str]) -> str | None:
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in languages else None


def select_locale() -> str:
    languages = available_languages()
    asked = _known(request.args.get("lang"), languages)
    if asked:
        g.chosen_language = asked
        return asked
    return (_known(request.cookies.get(COOKIE), languages)
            or request.accept_languages.best_match(languages) or DEFAULT)


def page_locale() -> Locale:
    """The Babel locale of the page (names of languages, days and months in its language)."""
    return _locale(str(get_locale() or DEFAULT))


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    """Parsed once per code: a table of a région formats a thousand numbers."""
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)


def language_name(code: str) -> str:
    """An ISO 639 code as its name in the page's language ("ar" → "arabe" / "Arabic"); a code
    neither CLDR nor ``labels.OTHER_LANGUAGE_NAMES`` names is shown as given."""
    code = code.lower()
    name = page_locale().languages.get(code)
    if name is None and code in OTHER_LANGUAGE_NAMES:
        name = translate(OTHER_LANGUAGE_NAMES[code])
    return name or code


def page_language() -> dict:
    """``lang``, ``dir`` and the other languages offered (code, name in that language)."""
    code = str(get_locale() or DEFAULT)
    try:
        locale = Locale.parse(code)
        direction = "rtl" if locale.character_order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError):
        direction = "ltr"
    others = []
    for other in available_languages():
        if other != code:
            others.append({"code": other, "name": Locale.parse(other).get_display_name(other)
                           .capitalize()})
    return {"lang": code, "dir": direction, "others": others}


def translate(message) -> str | None:
    """A message computed at run time (a service's French message, a label) in the page's
    language, as plain text that the template escapes like any value. Templates write
    ``{{ message | tr }}``, never ``_(message)``: Jinja's gettext marks its result safe (and
    %-formats it), which is only right for the literal strings of the template itself."""
    if message is None:
        return None
    if isinstance(message, Message):  # its values may be messages too
        values = {k: translate(v) if isinstance(v, Message) else v
                  for k, v in message.values.items()}
        return get_translations().ugettext(message.msgid) % values
    return get_translations().ugettext(str(message))


def translate_profession(label) -> str | None:
    """« Médecin – gériatrie » (a profession from the database, then its free-text specialty)
    with the profession in the page's language; the specialty is data and stays as written."""
    if not label:
        return label
    head, sep, tail = str(label).partition(" – ")
    return translate(head) + sep + tail


def language_url(code: str) -> str:
    """This page in another language: the same path and query string, ``lang`` replaced."""
    items = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode(items + [("lang", code)])


def _remember_choice(response):
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    chosen = g.pop("chosen_language", None)
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True)
    return response


def init_app(app: Flask) -> None:
    directory = Path(get_settings(app).translations_dir)
    Babel(app, locale_selector=select_locale, default_translation_directories=str(directory))
    app.jinja_env.globals["page_language"] = page_language
    app.jinja_env.globals["language_url"] = language_url
    app.jinja_env.filters["tr"] = translate
    app.jinja_env.filters["tr_profession"] = translate_profession
    app.after_request(_remember_choice)
