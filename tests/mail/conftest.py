"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and a committed
world served over real HTTP with the mail settings pointing at it (or at nothing)."""
from __future__ import annotations

import email
import email.policy
import re
import socket
from dataclasses import dataclass, field

import pytest

from mapper.auth.passwords import hash_password
from mapper.config import SmtpSettings
from tests.support import make_settings
from tests.web.conftest import PASSWORD, World, seed

SENDER = "Carto CPTS <noreply@carto-cpts.example>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message)."""
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def link(self, index: int = -1) -> str:
        body = self.messages[index][1].get_body(("plain",)).get_content()
        return re.search(r"https?://\S+/connexion/lien/\S+", body).group(0)


@pytest.fixture(scope="module")
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@dataclass
class MailSite:
    url: str  # the live server, mail to the local SMTP server
    app: object
    down_app: object  # the same database, its mail server down
    quiet_app: object  # the same database, no mail server configured
    world: World
    inbox: Inbox
    accounts: dict  # role -> (email, API token)


def smtp_settings(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender=SENDER,
                        timeout=5)


@pytest.fixture(scope="module")
def mail_site(database_factory, live_server_factory, tmp_path_factory, smtp_server):
    from mapper import create_app
    from mapper.db import get_db
    from mapper.services.accounts import create_account

    controller, inbox = smtp_server
    url = database_factory("mail")
    app = create_app(make_settings(url, smtp=smtp_settings(controller.port)))
    down_app = create_app(make_settings(url, smtp=smtp_settings(free_port())))
    quiet_app = create_app(make_settings(url))
    for each in (app, down_app, quiet_app):
        each.config["TESTING"] = True
    with get_db(app).session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("mail"))
    accounts = {}
    with get_db(app).session_scope() as session:
        for role, scope in (("admin", {}), ("coordinator", {"cpts_id": world.cpts["sud"]}),
                            ("other", {"cpts_id": world.cpts["est"]})):
            account, token = create_account(
                session, email=f"{role}@example.org", actor="test",
                role="coordinator" if role == "other" else role, **scope)
            account.password_hash = hash_password(PASSWORD)
            accounts[role] = (account.email, token)
    server = live_server_factory(app)
    return MailSite(server.url, app, down_app, quiet_app, world, inbox, accounts)
