"""MAPPER_BASE_URL: validated at start-up, the start of every absolute link the service builds."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from mapper import create_app
from mapper.config import ConfigError, Settings
from mapper.db import get_db

from ..support import make_settings


@pytest.mark.parametrize("raw", ["ftp://carto.fr", "carto.fr", "https://carto.fr/app",
                                 "https://carto.fr/?x=1", "https://u:p@carto.fr",
                                 "https://carto.fr:99999"])
def test_bad_base_urls_fail_the_start(raw):
    with pytest.raises(ConfigError, match="MAPPER_BASE_URL"):
        Settings.from_env({"MAPPER_BASE_URL": raw})


def test_base_url_is_kept_without_trailing_slash():
    assert Settings.from_env({"MAPPER_BASE_URL": "https://carto.example.fr/"}).base_url == \
        "https://carto.example.fr"
    assert Settings.from_env({}).base_url is None


@pytest.fixture()
def public_app(database_url, connection):
    app = create_app(make_settings(database_url, base_url="https://carto.example.fr"))
    app.config["TESTING"] = True
    get_db(app).bind_to_connection(connection)  # sees the test's transaction
    yield app
    get_db(app).unbind()


def test_links_built_on_the_base_url(public_app, world):
    cpts = world.cpts("CPTS Liens", world.communes("83", (6.0, 43.1), 2))
    pro = world.professional(site=(43.12, 6.02))
    world.session.commit()
    client = public_app.test_client()
    page = client.get(f"/professionnels/{pro}").get_data(as_text=True)
    assert f"https://carto.example.fr/professionnels/{pro}" in page
    assert "http://localhost" not in page
    feeds = client.get(f"/cpts/{cpts.slug}/permanences").get_data(as_text=True)
    assert f"https://carto.example.fr/cpts/{cpts.slug}/permanences.ics" in feeds
    assert f"webcal://carto.example.fr/cpts/{cpts.slug}/permanences.ics" in feeds
    assert "http://localhost" not in feeds
    map_page = client.get(f"/map/cpts/{cpts.slug}").get_data(as_text=True)
    assert "https://carto.example.fr/embed/" in map_page
    assert "http://localhost/embed" not in map_page


def test_without_base_url_links_use_the_request_host(client, world):
    pro = world.professional(site=(43.12, 6.02))
    world.session.commit()
    page = client.get(f"/professionnels/{pro}", base_url="https://interne.example:8443")
    assert f"https://interne.example:8443/professionnels/{pro}" in page.get_data(as_text=True)


def test_cli_invite_link_uses_mapper_base_url(database_url, fresh_database, monkeypatch):
    from mapper.cli import main

    monkeypatch.setenv("MAPPER_DATABASE_URL", fresh_database)
    runner = CliRunner()
    assert runner.invoke(main, ["users", "create", "--email", "a@example.org", "--role",
                                "admin"]).exit_code == 0
    monkeypatch.setenv("MAPPER_BASE_URL", "https://carto.example.fr")
    out = runner.invoke(main, ["users", "invite", "--email", "a@example.org"])
    assert out.exit_code == 0, out.output
    assert "https://carto.example.fr/connexion/lien/" in out.output
    monkeypatch.delenv("MAPPER_BASE_URL")
    out = runner.invoke(main, ["users", "invite", "--email", "a@example.org"])
    assert "http://127.0.0.1:5000/connexion/lien/" in out.output
