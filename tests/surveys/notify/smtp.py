"""A real SMTP server for tests and benchmarks: aiosmtpd on a free loopback port."""

import email
import socket
import threading
from email.message import Message

from aiosmtpd.controller import Controller


class Mailbox:
    """Keeps every accepted message; answers `reply` instead when it is set (e.g. 451)."""

    def __init__(self):
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.reply: str | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp() -> tuple[Controller, Mailbox, str]:
    """Start the server; its controller, mailbox and SMTP_URL."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, mailbox, f"smtp://127.0.0.1:{port}"
