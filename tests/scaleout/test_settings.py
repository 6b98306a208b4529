"""The deployment settings of issue 16: the replica's URL and lag bound, the trusted proxies
(the per-client limit counts the client a proxy forwards, not the proxy)."""
from __future__ import annotations

import pytest

from mapper import create_app
from mapper.config import ConfigError, Settings
from mapper.db import get_db
from tests.support import make_settings


def test_the_replica_settings_are_checked_at_start_up():
    env = {"MAPPER_DATABASE_URL": "postgresql://u@primary/db",
           "MAPPER_DATABASE_REPLICA_URL": "postgresql://u@standby/db",
           "MAPPER_REPLICA_MAX_LAG_S": "2.5", "MAPPER_PROXY_COUNT": "1"}
    settings = Settings.from_env(env)
    assert settings.database_replica_url == "postgresql+psycopg://u@standby/db"
    assert settings.replica_max_lag_s == 2.5 and settings.proxy_count == 1
    with pytest.raises(ConfigError, match="MAPPER_DATABASE_REPLICA_URL"):
        Settings.from_env({**env, "MAPPER_DATABASE_REPLICA_URL": "mysql://u@standby/db"})
    with pytest.raises(ConfigError, match="MAPPER_DATABASE_REPLICA_URL needs"):
        Settings.from_env({"MAPPER_DATABASE_REPLICA_URL": "postgresql://u@standby/db"})
    with pytest.raises(ConfigError, match="MAPPER_REPLICA_MAX_LAG_S"):
        Settings.from_env({**env, "MAPPER_REPLICA_MAX_LAG_S": "soon"})
    with pytest.raises(ConfigError, match="MAPPER_PROXY_COUNT"):
        Settings.from_env({**env, "MAPPER_PROXY_COUNT": "-1"})


def test_behind_a_trusted_proxy_the_limit_counts_each_forwarded_client(database_url,
                                                                       connection):
    app = create_app(make_settings(database_url, proxy_count=1, autocomplete_rate=0.05,
                                   autocomplete_burst=1))
    get_db(app).bind_to_connection(connection)
    client = app.test_client()
    path = "/api/v1/adresses?q=rue+de+la+paix"

    def ask(forwarded_for: str) -> int:
        return client.get(path, headers={"X-Forwarded-For": forwarded_for}).status_code

    assert ask("192.0.2.1") == 200
    assert ask("192.0.2.1") == 429
    assert ask("192.0.2.2") == 200  # another client behind the same proxy
