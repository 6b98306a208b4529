"""The mail settings (validated at start-up) and the message itself (French, text + HTML)."""
from __future__ import annotations

import pytest

from mapper.config import ConfigError, Settings
from mapper.services.accounts.mail import compose, signin_mail

BASE = {"MAPPER_SMTP_HOST": "smtp.example.org", "MAPPER_MAIL_FROM": "Carto <noreply@ex.org>"}


def test_settings_from_the_environment():
    assert Settings.from_env({}).smtp is None  # no server: links are logged
    smtp = Settings.from_env({**BASE, "MAPPER_SMTP_PORT": "2525", "MAPPER_SMTP_USERNAME": "u",
                              "MAPPER_SMTP_PASSWORD": "secret"}).smtp
    assert (smtp.host, smtp.port, smtp.starttls, smtp.username) == (
        "smtp.example.org", 2525, True, "u")
    assert "secret" not in repr(smtp)
    local = Settings.from_env({**BASE, "MAPPER_SMTP_HOST": "localhost",
                               "MAPPER_SMTP_STARTTLS": "non", "MAPPER_SMTP_USERNAME": "u",
                               "MAPPER_SMTP_PASSWORD": "p"}).smtp
    assert local.starttls is False  # a local relay may take credentials in clear


@pytest.mark.parametrize("env, named", [
    ({"MAPPER_SMTP_PORT": "25"}, "MAPPER_SMTP_HOST"),
    ({"MAPPER_SMTP_HOST": "smtp.example.org"}, "MAPPER_MAIL_FROM"),
    ({**BASE, "MAPPER_MAIL_FROM": "pas une adresse"}, "MAPPER_MAIL_FROM"),
    ({**BASE, "MAPPER_SMTP_PORT": "70000"}, "MAPPER_SMTP_PORT"),
    ({**BASE, "MAPPER_SMTP_PORT": "abc"}, "MAPPER_SMTP_PORT"),
    ({**BASE, "MAPPER_SMTP_STARTTLS": "peut-être"}, "MAPPER_SMTP_STARTTLS"),
    ({**BASE, "MAPPER_SMTP_USERNAME": "u"}, "MAPPER_SMTP_PASSWORD"),
    ({**BASE, "MAPPER_SMTP_STARTTLS": "0", "MAPPER_SMTP_USERNAME": "u",
      "MAPPER_SMTP_PASSWORD": "p"}, "in clear"),
])
def test_bad_settings_fail_the_start(env, named):
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)


def test_the_message_is_french_text_and_html_and_escapes_names():
    mail = signin_mail("a@example.org", "https://carto.example/connexion/lien/abc?x=1&y=2",
                       hours=24, name="<b>Zoé</b>", cpts_name="CPTS\nSud",
                       inviter="La coordination de la CPTS")
    message = compose("Carto <noreply@ex.org>", mail)
    assert message["Subject"] == "Invitation : votre fiche dans l'annuaire de CPTS Sud"
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bonjour <b>Zoé</b>," in text and "24 heures" in text
    assert "https://carto.example/connexion/lien/abc?x=1&y=2" in text
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in html and "<b>Zoé" not in html
    assert 'href="https://carto.example/connexion/lien/abc?x=1&amp;y=2"' in html
    assert 'lang="fr"' in html
