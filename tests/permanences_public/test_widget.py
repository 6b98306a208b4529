"""The permanences widget: framed only by the CPTS's origins, escaped, bad input beside the
filter; the loader and the snippet on the CPTS page."""
from __future__ import annotations

from pathlib import Path

from .conftest import EVIL


def test_widget_headers_and_content(client, perm_world):
    resp = client.get(f"/embed/cpts/{perm_world.slug}/permanences")
    assert resp.status_code == 200
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors https://cpts-essai.example.org" in csp
    assert "X-Frame-Options" not in resp.headers
    # public and revalidated (mapper.http.conditional): a strong tag of the data and the minute
    assert resp.headers["Cache-Control"].startswith("public, max-age=")
    assert resp.get_etag() == (resp.get_etag()[0], False) and resp.get_etag()[0]
    html = resp.get_data(as_text=True)
    assert "Centre de santé Daguerre" in html and "Campagne interne secrète" not in html
    assert EVIL not in html and "<script>alert" not in html
    assert 'data-origins="https://cpts-essai.example.org"' in html
    assert "embed/frame.js" in html
    bad = client.get(f"/embed/cpts/{perm_world.slug}/permanences?type=zzz")
    assert bad.status_code == 422 and "Type de campagne inconnu" in bad.get_data(as_text=True)
    assert "frame-ancestors" in bad.headers["Content-Security-Policy"]


def test_snippet_on_cpts_page_and_loader(client, perm_world):
    html = client.get(f"/cpts/{perm_world.slug}").get_data(as_text=True)
    assert 'data-widget=&#34;permanences&#34;' in html or "data-widget=&quot;permanences" in html
    assert f"/embed/cpts/{perm_world.slug}/permanences" in html
    loader = Path("static/embed/widget.js").read_text()
    assert '"/permanences"' in loader and 'getAttribute("data-widget")' in loader
