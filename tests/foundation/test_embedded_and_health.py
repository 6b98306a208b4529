"""The embedded cluster (as an unprivileged user when root) and health across a restart."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from mapper import create_app
from mapper.config import ConfigError, Settings
from mapper.embedded import EmbeddedCluster
from mapper.migrate import upgrade
from tests.support import assert_problem, make_settings


@pytest.fixture(scope="module")
def own_cluster():
    root = Path(tempfile.mkdtemp(prefix="mapper-embedded-"))
    root.chmod(0o755)
    cluster = EmbeddedCluster(root / "pg", fast_and_unsafe=True)
    cluster.start()
    upgrade(cluster.url)
    yield cluster
    cluster.destroy()


def test_cluster_listens_only_on_its_socket_and_app_role_is_not_superuser(own_cluster):
    assert (own_cluster.socket_dir / ".s.PGSQL.5432").exists()
    assert str(own_cluster.socket_dir).startswith(str(own_cluster.root))
    engine = create_engine(own_cluster.url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW listen_addresses")).scalar() == ""
        assert conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar() is False
        assert conn.execute(text("SELECT extname FROM pg_extension WHERE extname='postgis'")).scalar()
    engine.dispose()


@pytest.mark.skipif(os.geteuid() != 0, reason="only meaningful as root")
def test_as_root_the_server_runs_as_an_unprivileged_user(own_cluster):
    owner = own_cluster.pgdata.stat().st_uid
    assert owner != 0
    pid = int((own_cluster.pgdata / "postmaster.pid").read_text().split()[0])
    assert os.stat(f"/proc/{pid}").st_uid == owner


def test_a_further_database_is_dropped_with_its_open_connections(own_cluster):
    url = own_cluster.create_database("further_one")
    engine = create_engine(url)
    conn = engine.connect()  # still open when the database is dropped: closed by the server
    assert conn.execute(text("SELECT current_database()")).scalar() == "further_one"
    own_cluster.drop_database("further_one")
    with pytest.raises(OperationalError):
        conn.execute(text("SELECT 1"))
    conn.close()
    engine.dispose()
    main = create_engine(own_cluster.url)
    with main.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_database "
                                 "WHERE datname = 'further_one'")).scalar() == 0
    main.dispose()
    own_cluster.drop_database("further_one")  # already gone: nothing to do


def test_start_is_idempotent_and_status_reports(own_cluster):
    assert own_cluster.start() == own_cluster.url
    assert own_cluster.status().startswith("running")


def test_health_reports_versions_and_recovers_after_a_restart(own_cluster):
    app = create_app(make_settings(own_cluster.url))
    client = app.test_client()
    body = client.get("/api/v1/health").get_json()
    assert body["database"]["postgresql"].startswith(("15", "16", "17"))
    assert body["database"]["postgis"].startswith("3")
    own_cluster.stop()
    try:
        assert_problem(client.get("/api/v1/health"), 503)
    finally:
        own_cluster.start()
    resp = client.get("/api/v1/health")
    assert resp.status_code == 200, resp.get_data(as_text=True)


def test_statement_timeout_applies_to_api_requests(own_cluster):
    app = create_app(make_settings(own_cluster.url, api_statement_timeout_ms=50))

    @app.route("/api/v1/slow")
    def slow():
        from mapper.db import get_session

        get_session().execute(text("SELECT pg_sleep(1)"))
        return {}

    body = assert_problem(app.test_client().get("/api/v1/slow"), 503)
    assert "trop de temps" in body["detail"]


def test_settings_are_validated_at_start():
    with pytest.raises(ConfigError, match="MAPPER_MAX_BODY_BYTES"):
        Settings.from_env({"MAPPER_MAX_BODY_BYTES": "lots"})
    with pytest.raises(ConfigError, match="MAPPER_DATABASE_URL"):
        Settings.from_env({"MAPPER_DATABASE_URL": "mysql://x"})
    s = Settings.from_env({"MAPPER_DATABASE_URL": "postgresql://u@h/db", "MAPPER_TILES_URL": ""})
    assert s.database_url == "postgresql+psycopg://u@h/db" and s.tiles_url is None
