import socket
from collections import Counter

import pytest
from aiosmtpd.controller import Controller


class FlakySMTPServer:
    """A real SMTP server that answers a temporary error (451) to the first messages for
    the addresses it is told to refuse, and keeps the rest."""

    def __init__(self):
        self.refusals = Counter()
        self.delivered = []

    async def handle_DATA(self, server, session, envelope):
        (address,) = envelope.rcpt_tos
        if self.refusals[address]:
            self.refusals[address] -= 1
            return "451 4.3.0 Try again later"
        self.delivered.append(address)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    server = FlakySMTPServer()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield server
    controller.stop()
