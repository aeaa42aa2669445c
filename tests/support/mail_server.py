"""A local SMTP server (aiosmtpd) that keeps every mail it accepts, for the tests of the Course
Portal's e-mail: the ``smtp`` fixture (tests/conftest.py) starts one and points uSis at it
(USIS_SMTP_HOST, USIS_SMTP_PORT), as an operator configures a mail server."""

from __future__ import annotations

import email
import email.policy
import socket


class Collect:
    """An aiosmtpd handler keeping every envelope it accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default)
                for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    """A local SMTP server that can be taken down and brought back on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Collect()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


__all__ = ["Collect", "MailServer", "free_port"]
