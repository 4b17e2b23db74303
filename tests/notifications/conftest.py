import asyncio
import socket
from collections import Counter

import pytest
from aiosmtpd.controller import Controller


class FlakySMTPServer:
    """A real SMTP server that answers a temporary error (451) to the first messages for
    the addresses it is told to refuse, refuses the recipients it is given an answer for
    (`rcpt_answers`, e.g. a 550), drops the connection on the first messages for the
    addresses in `drops`, takes `delay` seconds to answer each message, and keeps the rest."""

    def __init__(self):
        self.refusals = Counter()
        self.drops = Counter()
        self.rcpt_answers = {}
        self.delay = 0
        self.receiving = []
        self.delivered = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rcpt_answers:
            return self.rcpt_answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        (address,) = envelope.rcpt_tos
        self.receiving.append(address)
        if self.drops[address]:
            self.drops[address] -= 1
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        if self.delay:
            await asyncio.sleep(self.delay)
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
