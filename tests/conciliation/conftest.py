"""The local SMTP server of the mail tests (aiosmtpd), reused here."""
from tests.mail.conftest import smtp_server  # noqa: F401  (a fixture)
