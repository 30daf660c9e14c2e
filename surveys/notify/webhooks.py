"""Webhook calls: Standard Webhooks signatures, and a POST pinned to a checked address
(which Web Push uses too)."""

import base64
import hashlib
import hmac
import http.client
import secrets
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from surveys.notify.addresses import Destination, UnsafeDestination, resolve_destination
from surveys.notify.outcome import DELIVERED, Outcome, failed
from surveys.numbers import whole_number

SECRET_PREFIX = "whsec_"  # noqa: S105 (the spec's prefix, not a secret)
USER_AGENT = "Counterpulse-Webhooks/1"


def new_secret() -> str:
    """A random signing secret in the spec's serialisation: whsec_ and 32 bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: v1, then base64 HMAC-SHA256 of "id.timestamp.body"."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class WebhookCall:
    """Everything one attempt needs, read from the database before the network is touched."""

    url: str
    message_id: str
    body: bytes
    secret: str
    timeout: float
    allow_private: bool


def send_webhook(call: WebhookCall) -> Outcome:
    """POST the body once, signed with this attempt's timestamp; 2xx counts as delivered."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": call.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(call.secret, call.message_id, timestamp, call.body),
    }
    return post_pinned(call.url, call.body, headers, call.timeout, call.allow_private)


def post_pinned(
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    allow_private: bool,
    gone: tuple[int, ...] = (410,),
) -> Outcome:
    """POST once to the checked address of `url`, within `timeout` in all; `gone` statuses
    mean the endpoint will never take a message again."""
    try:
        destination = resolve_destination(url, allow_private=allow_private)
    except UnsafeDestination as refused:
        return failed(str(refused), permanent=True)
    connection = _pinned_connection(destination, timeout)
    # The socket timeout bounds each read; this bounds the whole call, so a receiver that
    # trickles its answer cannot hold the message past the worker's lease.
    deadline = threading.Timer(timeout, _abort, [connection])
    deadline.start()
    try:
        connection.request("POST", destination.target, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(1024).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return failed(f"{type(error).__name__}: {error}")
    finally:
        deadline.cancel()
        connection.close()
    return outcome_for_status(response.status, response.getheader("Retry-After"), excerpt, gone)


def outcome_for_status(
    status: int, retry_after: str | None, excerpt: str, gone: tuple[int, ...] = (410,)
) -> Outcome:
    """The spec's reading of an answer: 2xx delivered, 410 gone, anything else retried."""
    if 200 <= status < 300:
        return DELIVERED
    error = f"HTTP {status}: {excerpt.strip()[:200]}"
    if status in gone:
        return failed(error, permanent=True, endpoint_gone=True)
    seconds = whole_number((retry_after or "").strip())
    delay = float(seconds) if seconds is not None else None
    return failed(error, retry_after=delay)


def _abort(connection: http.client.HTTPConnection) -> None:
    """Cut a call that ran past its deadline; the blocked read then fails at once."""
    if connection.sock is not None:
        try:
            connection.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address while naming the host in the Host header."""

    def __init__(self, destination: Destination, timeout: float):
        super().__init__(destination.host, destination.port, timeout=timeout)
        self._address = destination.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same for TLS: the certificate is still checked against the host name."""

    def __init__(self, destination: Destination, timeout: float):
        self._tls = ssl.create_default_context()
        super().__init__(destination.host, destination.port, timeout=timeout, context=self._tls)
        self._address = destination.address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _pinned_connection(destination: Destination, timeout: float) -> http.client.HTTPConnection:
    if destination.scheme == "https":
        return _PinnedHTTPSConnection(destination, timeout)
    return _PinnedHTTPConnection(destination, timeout)
