"""The English catalogue is complete (a new untranslated string fails here), the public pages
speak English when asked, and a right-to-left language (a test-only ``ar`` catalogue, never
shipped) gives ``dir="rtl"`` pages: ``MAPPER_TRANSLATIONS_DIR`` lets a deployment add one."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.web.conftest import ADDRESS

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = ROOT / "mapper" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-zA-Z_]+\}")


def extracted() -> dict:
    """msgid (a tuple for plurals) → where, read from the sources as ``pybabel extract -F
    babel.cfg`` reads them (default keywords: ``_``, ``gettext``, ``ngettext``, ``N_``…)."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map):
        found.setdefault(message, f"{filename}:{lineno}")
    return found


def english():
    with open(ENGLISH, "rb") as po:
        return read_po(po)


def test_every_message_of_the_sources_has_an_english_translation():
    catalogue = english()
    problems = []
    for msgid, where in extracted().items():
        entry = catalogue.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        strings = entry and (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or not all(strings):
            problems.append(f"untranslated {msgid!r} ({where})")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy {msgid!r} ({where})")
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        wanted = {p for text in ids for p in PLACEHOLDER.findall(text)}
        for text in strings:
            # a plural's singular may drop %(num)d ("1 result" / "%(num)d results")
            if set(PLACEHOLDER.findall(text)) - wanted or (
                    wanted - set(PLACEHOLDER.findall(text)) - {"%(num)d", "%(num)s"}):
                problems.append(f"placeholders differ: {msgid!r} → {text!r}")
    assert problems == [], "\n".join(problems)


def test_the_catalogue_holds_no_obsolete_or_untranslated_entry():
    catalogue = english()
    assert not catalogue.obsolete
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []


def test_every_profession_and_competency_label_of_the_database_is_in_the_catalogue(session):
    from sqlalchemy import text

    from mapper import labels

    professions = set(session.scalars(text("SELECT label FROM profession")))
    competencies = set(session.scalars(text("SELECT label FROM competency")))
    assert professions <= set(labels.PROFESSION_LABELS)
    assert competencies <= set(labels.COMPETENCY_LABELS)


def test_a_message_with_values_reads_french_and_translates(app):
    from flask import render_template_string

    from mapper.labels import N_

    message = N_("Adresse trop courte : %(n)s caractères au moins.", n=3)
    assert message == "Adresse trop courte : 3 caractères au moins."
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        out = render_template_string("{{ m | tr }}", m=N_("Code invalide : « %(code)s ».",
                                                          code="<x>"))
    assert out == "Invalid code: “&lt;x&gt;”."


def test_schema_errors_are_catalogue_messages(app):
    """marshmallow's errors and the shared validators' (lengths, ranges, choices) reach a page
    in its language; the API keeps the French text."""
    from flask import render_template_string
    from marshmallow import fields

    from mapper.schemas.base import Schema, between, length, one_of

    class Probe(Schema):
        name = fields.String(required=True, validate=length(2, 5))
        age = fields.Integer(validate=between(0, 120))
        kind = fields.String(validate=one_of(("a", "b")))
        day = fields.Date()

    errors = Probe().validate({"name": "toolong", "age": 200, "kind": "c", "day": "x",
                               "extra": 1})
    assert errors["name"] == ["de 2 à 5 caractères"]
    assert errors["age"] == ["de 0 à 120"]
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = {field: render_template_string("{{ m | tr }}", m=reasons[0])
                   for field, reasons in errors.items()}
    assert english == {"name": "2 to 5 characters", "age": "from 0 to 120",
                       "kind": "unknown value; expected: a, b",
                       "day": "date expected (YYYY-MM-DD)", "extra": "unknown field"}


# -- the pages in English -------------------------------------------------------------------

def english_page(client, path: str, status: int = 200) -> str:
    resp = client.get(path, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    body = resp.get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in body
    return body


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_english(html: str, english_words: list[str], french_words: list[str]) -> None:
    text = visible_text(html)
    for word in english_words:
        assert word in html, word
    leftovers = [w for w in french_words if w in text]
    assert leftovers == []


def test_home_in_english(client, world):
    html = english_page(client, "/")
    assert_english(html, ["Find a health professional", "Your address", "All professions",
                          "Doctor", "Physiotherapist", "Validated"],
                   ["Votre adresse", "Toutes les professions", "Médecin", "Rechercher",
                    "Validée", "Masseur-kinésithérapeute"])


def test_search_with_results_in_english(client, world):
    html = english_page(client, f"/recherche?adresse={ADDRESS.replace(' ', '+')}")
    assert 'data-result' in html
    assert_english(html, ["within", "km of", "Nurse", "Accepting new patients", "Full entry",
                          "Change", "Wounds and healing", "More criteria"],
                   ["résultats", "Infirmier", "Accepte de nouveaux patients", "Fiche complète",
                    "Modifier", "Plaies et cicatrisation", "Plus de critères", "Horaires :",
                    "Ouvert maintenant", "soins non programmés"])


def test_search_errors_in_english(client, world):
    html = english_page(client, "/recherche?adresse=ab&rayon=900", 422)
    assert_english(html, ["errors to correct", "Address too short: at least",
                          "Expected a radius in km"],
                   ["erreurs à corriger", "Adresse trop courte", "Rayon en km attendu"])


def test_professional_page_in_english(client, world):
    html = english_page(client, f"/professionnels/{world.pros['nurse']}")
    assert_english(html, ["Nurse", "Home-visit area", "Practical information", "Monday",
                          "Accepting new patients", "Wounds and healing"],
                   ["Infirmier", "Zone d'intervention", "Informations pratiques", "Lundi",
                    "Accepte de nouveaux patients", "Plaies et cicatrisation"])


def test_cpts_map_page_in_english(client, world):
    html = english_page(client, f"/map/cpts/{world.slugs['sud']}")
    assert_english(html, ["Health professionals of CPTS Sud", "Filter the professionals",
                          "List of professionals", "Skip the map and go to the list", "Nurse",
                          "Embed this map in a website"],
                   ["Filtrer les professionnels", "Liste des professionnels", "Infirmier",
                    "Passer la carte", "Toutes les compétences", "Prochain créneau",
                    "correspondent à la recherche"])
    assert '"legendButton": "Legend and layers"' in html or "Legend and layers" in html


def test_widget_in_english(client, world):
    html = english_page(client, f"/embed/cpts/{world.slugs['sud']}")
    assert_english(html, ["All professions", "Search", "Full map", "Nurse", "New patients: yes",
                          "professionals"],
                   ["Toutes les professions", "Chercher", "Carte complète", "Infirmier",
                    "Nouveaux patients", "professionnels"])


def test_territory_checker_in_english(client, world):
    html = english_page(client, "/territoires/verifier?communes=75002%0A75003")
    assert_english(html, ["Check a CPTS territory", "Territory report", "Size category (ACI)",
                          "inhabitants", "Overlaps", "Download or print the report"],
                   ["Vérifier un territoire de CPTS", "Rapport du territoire",
                    "Catégorie de taille", " habitants", "Chevauchements avec",
                    "Télécharger ou imprimer"])


# -- a right-to-left language ------------------------------------------------------------------

def rtl_catalogues(directory: Path) -> Path:
    """``en`` and a test-only ``ar`` (the English messages, as an Arabic catalogue) compiled
    in ``directory``: what a CPTS adding a language would put in MAPPER_TRANSLATIONS_DIR."""
    with open(ENGLISH, "rb") as po:
        catalogue = read_po(po)  # its plural rule (two forms) goes with its messages
    for code in ("en", "ar"):
        target = directory / code / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        with open(target / "messages.mo", "wb") as mo:
            write_mo(mo, catalogue)
    return directory


@pytest.fixture(scope="module")
def rtl_client(database_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db
    from tests.support import make_settings
    from tests.web.conftest import seed

    directory = rtl_catalogues(tmp_path_factory.mktemp("translations"))
    app = create_app(make_settings(database_factory("rtl"), translations_dir=directory))
    with get_db(app).session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("rtl"))
    return app.test_client(), world


@pytest.mark.parametrize("path", [
    "/", f"/recherche?adresse={ADDRESS.replace(' ', '+')}", "/recherche?adresse=ab",
    "/territoires/verifier?communes=75002", "/map/cpts/{sud}", "/embed/cpts/{sud}",
    "/professionnels/{nurse}", "/cpts/{sud}",
])
def test_a_right_to_left_language_gives_rtl_pages(rtl_client, path):
    client, world = rtl_client
    path = path.format(sud=world.slugs["sud"], nurse=world.pros["nurse"])
    resp = client.get(path, headers={"Accept-Language": "ar"})
    assert resp.status_code in (200, 422)
    body = resp.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in body
    if "/embed/" not in path:  # the switch offers the others (the widget has none)
        assert 'hreflang="fr"' in body and 'hreflang="en"' in body


def test_a_checker_suggestion_reads_in_english(client, session):
    """« Voulez-vous dire … » is composed by the places service; an English page shows it
    in English, the suggested names as they are."""
    from mapper.errors import ValidationFailed
    from mapper.http.i18n import translate
    from mapper.services.communes import resolve_communes

    try:
        resolve_communes(session, "Xyzzyville-sur-Rien")
    except ValidationFailed as exc:
        (problem,) = exc.errors["communes"]
    assert str(problem).startswith("Commune inconnue : « Xyzzyville-sur-Rien ».")
    with client.application.test_request_context("/", headers={"Accept-Language": "en"}):
        assert translate(problem).startswith("Unknown commune: « Xyzzyville-sur-Rien ».")


def test_every_offered_language_has_a_name_not_a_code(app):
    from mapper.http.i18n import language_name
    from mapper.labels import SEARCH_LANGUAGES

    for lang, berber in (("fr", "berbère (tamazight)"), ("en", "Berber (Tamazight)")):
        with app.test_request_context("/", headers={"Accept-Language": lang}):
            names = {code: language_name(code) for code in SEARCH_LANGUAGES}
            assert all(name != code for code, name in names.items()), names
            assert names["ber"] == berber
