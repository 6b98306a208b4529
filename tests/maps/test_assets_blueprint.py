"""The /assets blueprint serves allow-listed XStatic files and nothing else."""
from __future__ import annotations

import pytest
from flask import Flask

from mapper.maps.assets import ASSETS, asset_url
from mapper.http.assets import ONE_YEAR, bp


@pytest.fixture
def client():
    app = Flask(__name__)
    app.register_blueprint(bp)
    return app.test_client()


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/assets/leaflet/leaflet.js", "text/javascript"),
        ("/assets/leaflet/leaflet.css", "text/css"),
        ("/assets/leaflet/images/layers.png", "image/png"),
        ("/assets/font-awesome/css/solid.min.css", "text/css"),
        ("/assets/font-awesome/webfonts/fa-solid-900.woff2", "font/woff2"),
    ],
)
def test_known_asset_is_served_with_long_cache(client, path, mimetype):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.cache_control.max_age == ONE_YEAR
    assert response.cache_control.public
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data


def test_every_named_asset_url_resolves(client):
    for name in ASSETS:
        response = client.get(asset_url(name, "/assets"))
        assert response.status_code == 200, name


@pytest.mark.parametrize(
    "path",
    [
        "/assets/nope/leaflet.js",
        "/assets/leaflet/nope.js",
        "/assets/leaflet/leaflet-src.js",  # exists in the wheel but is not allow-listed
        "/assets/font-awesome/metadata/icons.json",
        "/assets/leaflet/",
    ],
)
def test_unknown_names_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/assets/leaflet/../leaflet/leaflet.js",
        "/assets/leaflet/images/../../leaflet/leaflet.js",
        "/assets/leaflet/%2e%2e/%2e%2e/__init__.py",
        "/assets/leaflet/..%2f..%2f__init__.py",
        "/assets/leaflet/images/..%5c..%5c__init__.py",
        "/assets/leaflet//etc/passwd",
        "/assets/leaflet/%2Fetc%2Fpasswd",
        "/assets/..%2f..%2fmapper/__init__.py",
    ],
)
def test_traversal_is_404(client, path):
    # Werkzeug may first redirect "//" to "/" (308): the redirect stays under /assets.
    assert client.get(path, follow_redirects=True).status_code == 404
