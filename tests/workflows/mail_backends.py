"""E-mail backends for tests: one that is down."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class DownBackend(BaseEmailBackend):
    """Every send fails, as a mail server that is down does; counts the attempts."""

    attempts = 0

    def send_messages(self, email_messages):
        type(self).attempts += len(email_messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
