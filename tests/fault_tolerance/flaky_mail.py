"""A mail backend that fails with an SMTP error a set number of times, then delivers to the
locmem outbox (django.core.mail.outbox): a mail server that is down for a while."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures_left = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)
