"""In Chromium, phone and desktop: a CPTS website on another origin (a second real HTTP server)
holds the widget's iframe code copied from the CPTS page. Before the coordinator authorises
that site, the browser refuses to frame the widget (CSP frame-ancestors); the coordinator adds
the site through the « Sites autorisés » form, sees the preview framed in the page, and the
third-party page then shows the widget. axe-core finds nothing serious on the CPTS page;
screenshots go to $MAPPER_SHOTS (if set)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pytest

from tests.selfservice.conftest import DESKTOP, PHONE, shot, sign_in_browser
from tests.support import serious_violations

pytestmark = pytest.mark.browser



def third_party_site(environ, start_response):
    """A CPTS's own website: a heading, the snippet given in ``?snippet=``, a paragraph."""
    snippet = parse_qs(environ.get("QUERY_STRING", "")).get("snippet", [""])[0]
    body = ('<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>CPTS Sud — trouver un professionnel</title></head><body>'
            f'<h1>Trouver un professionnel</h1>{snippet}<p>Pied de page.</p></body></html>')
    data = body.encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", str(len(data)))])
    return [data]


def authorise(page, third, viewport, label) -> None:
    """The coordinator adds the third-party site (typed with a trailing slash: normalised),
    after a refused value shown in place."""
    field = page.locator("#origines")
    field.scroll_into_view_if_needed()
    current = field.input_value()
    assert current == "https://cpts-sud.example.org" or third.origin not in current
    # a path and http:// for a public site are refused, in place, the page opened there
    field.fill(f"{current}\nhttp://www.cpts-sud.fr/trouver".strip())
    page.click("#form-sites button[type=submit]")
    page.wait_for_load_state()
    error = page.locator("#origines-erreur")
    assert error.is_visible() and "sans chemin" in error.inner_text()
    assert page.evaluate("() => window.location.hash") == "#sites-autorises"
    assert page.evaluate("() => document.querySelector('#origines').getBoundingClientRect()"
                         ".top") < viewport["height"]  # on screen, not far below
    shot(page, f"selfservice-sites-error-{label}")
    field = page.locator("#origines")
    field.fill(f"{current}\n{third.origin}/".strip())
    page.click("#form-sites button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("#sites-autorises")
    assert page.locator(".origins code", has_text=third.origin).count() == 1
    assert page.locator(".origins code", has_text="https://cpts-sud.example.org").count() == 1
    shot(page, f"selfservice-sites-{label}")


def check_preview(page, label) -> None:
    """The preview in the page: the widget itself, framed by the service, following the
    configurator's choices."""
    preview = page.locator("#widget-preview")
    preview.scroll_into_view_if_needed()
    page.frame_locator("#widget-preview").locator(".w-form").wait_for()
    shot(page, f"selfservice-preview-{label}")
    assert serious_violations(page, exclude=(".leaflet-control-container",)) == []
    # the preview follows the configurator's choices as they change
    page.fill("#widget-couleur", "#aa3300")
    page.wait_for_function("() => document.getElementById('widget-preview')"
                           ".getAttribute('src').includes('couleur=%23aa3300')")
    head = page.frame_locator("#widget-preview").locator(".w-head")
    head.wait_for()
    page.wait_for_function("() => { const f = document.getElementById('widget-preview');"
                           " const h = f.contentDocument && f.contentDocument.querySelector("
                           "'.w-head'); return h && getComputedStyle(h).backgroundColor === "
                           "'rgb(170, 51, 0)'; }")



@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_coordinator_authorises_a_site_and_sees_the_widget_framed_from_it(
        site, open_page, live_server_factory, viewport, label):
    third = live_server_factory(third_party_site)
    slug = site["world"].slugs["sud"]
    page, guard = open_page(viewport)
    sign_in_browser(page, site)
    page.goto(f"{site['url']}/cpts/{slug}#sites-autorises")
    snippet = page.input_value("#snippet")  # the plain iframe, as the coordinator copies it
    assert f"/embed/cpts/{slug}" in snippet

    # before: the CPTS website does not show the widget, the browser refuses the frame
    visitor, seen = open_page(viewport)
    visitor.goto(f"{third.url}/?{urlencode({'snippet': snippet})}")
    visitor.wait_for_load_state("load")
    visitor.wait_for_timeout(500)
    assert visitor.locator("iframe").count() == 1
    assert visitor.frames[1].locator(".w-form").count() == 0
    assert any("frame-ancestors" in e for e in seen.console_errors), seen.console_errors

    authorise(page, third, viewport, label)
    check_preview(page, label)
    assert [e for e in guard.console_errors if "status of 422" not in e] == []
    assert not guard.page_errors and not guard.dialogs and not guard.foreign_requests

    # after: the CPTS website shows the widget in its frame
    visitor.reload()
    frame = visitor.frame_locator("iframe")
    frame.locator(".w-form").wait_for()
    assert frame.locator("#w-adresse").is_visible()
    assert "CPTS Sud" in frame.locator("body").inner_text()
    shot(visitor, f"selfservice-third-party-{label}")
