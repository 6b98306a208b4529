"""Accounts, API tokens (hash only), scopes and the audit trail."""
from __future__ import annotations

import hashlib

from click.testing import CliRunner
from sqlalchemy import text

from tests.support import assert_problem, bearer


def test_users_create_prints_the_token_last_and_stores_only_a_hash(app, connection):
    from mapper.cli import main

    env = {"MAPPER_DATABASE_URL": app.extensions["mapper.db"].url}
    result = CliRunner().invoke(main, ["users", "create", "--email", "ARS@Example.org",
                                       "--role", "ars", "--region", "93", "--region", "11"],
                                env=env)
    engine = app.extensions["mapper.db"].engine
    try:
        assert result.exit_code == 0, result.output
        token = result.output.strip().splitlines()[-1]
        assert token.startswith("cpts_") and len(token) > 40
        with engine.connect() as conn:
            row = conn.execute(text(
                "SELECT a.email, a.role, a.regions, t.token_hash FROM account a "
                "JOIN api_token t ON t.account_id = a.id WHERE a.email = 'ars@example.org'")).one()
            assert row.regions == ["11", "93"]
            assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
            dump = conn.execute(text("SELECT row_to_json(t)::text FROM api_token t")).scalars().all()
            assert not any(token in d for d in dump)
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_event; DELETE FROM account "
                              "WHERE email = 'ars@example.org'"))


def test_users_create_refuses_an_ars_without_region(app, connection):
    from mapper.cli import main

    env = {"MAPPER_DATABASE_URL": app.extensions["mapper.db"].url}
    result = CliRunner().invoke(main, ["users", "create", "--email", "x@example.org",
                                       "--role", "ars"], env=env)
    assert result.exit_code != 0
    assert "région" in result.output


def test_admin_creates_an_account_through_the_api_and_it_is_audited(client, accounts, session):
    admin, token = accounts("admin")
    resp = client.post("/api/v1/accounts", headers=bearer(token),
                       json={"email": "coord@example.org", "role": "ars", "regions": ["84"]})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    new_token = body["token"]
    # The new token works, and is scoped: an ars cannot create accounts.
    assert_problem(client.post("/api/v1/accounts", headers=bearer(new_token),
                               json={"email": "y@example.org", "role": "admin"}), 403)
    event = session.execute(text(
        "SELECT actor, action, entity_id, after FROM audit_event "
        "WHERE action = 'account.create' AND entity_id = :id"), {"id": str(body["id"])}).one()
    assert event.actor == f"account:{admin.id} (admin1@example.org)"
    assert event.after["regions"] == ["84"] and "token" not in str(event.after)


def test_revoked_token_is_refused(client, accounts, session):
    _, token = accounts("admin")
    session.execute(text("UPDATE api_token SET revoked_at = now()"))
    session.commit()
    assert_problem(client.post("/api/v1/accounts", json={}, headers=bearer(token)), 401)


def test_malformed_authorization_header(client):
    resp = client.post("/api/v1/accounts", json={}, headers={"Authorization": "Basic abc"})
    assert_problem(resp, 401)


def test_last_used_is_kept_to_the_minute(client, accounts, session):
    account, token = accounts("admin")

    def last_used():
        return session.execute(text("SELECT last_used_at FROM api_token WHERE account_id = :a"),
                               {"a": account.id}).scalar()

    assert last_used() is None
    me = f"/api/v1/accounts/{account.id}"
    assert client.get(me, headers=bearer(token)).status_code == 200
    first = last_used()
    assert first is not None
    client.get(me, headers=bearer(token))
    assert last_used() == first  # used again within the minute: no write
    session.execute(text("UPDATE api_token SET last_used_at = now() - interval '2 minutes' "
                         "WHERE account_id = :a"), {"a": account.id})
    session.commit()
    stale = last_used()
    client.get(me, headers=bearer(token))
    assert last_used() > stale
