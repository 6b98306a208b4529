"""Outgoing mail: one message, plain text with a simple HTML alternative, through SMTP.

The server comes from the settings (``MAPPER_SMTP_*``, see ``config.SmtpSettings``). Without
one, nothing is sent: the message (and the link it carries) is written to the log, as
``mapper users invite`` prints its links, and ``send`` says so by returning False. A server
that cannot be reached or refuses the message raises ``MailFailed`` (503, a French message);
the callers then keep nothing of what the message announced (see ``invitations``).
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from ...config import Settings
from ...errors import ServiceUnavailable

log = logging.getLogger(__name__)


class MailFailed(ServiceUnavailable):
    slug = "mail-failed"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


def compose(sender: str, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def send(settings: Settings, mail: Mail) -> bool:
    """Send ``mail``; True when the server took it, False when no server is configured (the
    message is then logged). ``MailFailed`` when the server cannot be reached or refuses."""
    smtp = settings.smtp
    if smtp is None:
        log.warning("no mail server configured (MAPPER_SMTP_HOST): message to %s not sent, "
                    "its text follows\n%s", mail.to, mail.text)
        return False
    message = compose(smtp.sender, mail)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username:
                server.login(smtp.username, smtp.password or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailFailed(
            "Le message n'a pas pu être envoyé : le serveur de messagerie est injoignable "
            "ou l'a refusé. Rien n'a été enregistré ; réessayez plus tard.",
            log_message=f"SMTP {smtp.host}:{smtp.port} failed for {mail.to}: {exc!r}",
            errors={"email": ["message non envoyé : serveur de messagerie indisponible"]},
        ) from exc
    log.info("mail sent to %s: %s", mail.to, mail.subject)
    return True


def signin_mail(to: str, link: str, *, hours: int, name: str | None = None,
                cpts_name: str | None = None, inviter: str | None = None) -> Mail:
    """The invitation: who invites, to what, the one-time link and how long it lasts."""
    hello = f"Bonjour {name}," if name else "Bonjour,"
    if cpts_name:
        why = (f"{inviter or 'La coordination de la CPTS'} vous invite à gérer votre fiche "
               f"de membre de {cpts_name} sur Carto CPTS.")
    else:
        why = "Voici votre lien de connexion à Carto CPTS."
    steps = (f"Ce lien personnel vous connecte une seule fois, pendant {hours} heures. "
             "Une fois connecté·e, vous pourrez vérifier votre fiche et choisir votre mot "
             "de passe.")
    ignore = "Si vous n'attendiez pas ce message, ignorez-le : aucun compte ne sera utilisé."
    text = f"{hello}\n\n{why}\n\n{steps}\n\n{link}\n\n{ignore}\n\n-- \nCarto CPTS\n"
    html = (f'<!doctype html><html lang="fr"><body><p>{escape(hello)}</p><p>{escape(why)}</p>'
            f"<p>{escape(steps)}</p>"
            f'<p><a href="{escape(link)}">Me connecter et voir ma fiche</a></p>'
            f"<p>{escape(link)}</p><p>{escape(ignore)}</p><p>Carto CPTS</p></body></html>")
    subject = (f"Invitation : votre fiche dans l'annuaire de {cpts_name}" if cpts_name
               else "Votre lien de connexion à Carto CPTS")
    return Mail(to=to, subject=" ".join(subject.split()), text=text, html=html)
