"""A real webhook receiver for tests and benchmarks: an HTTP server in a thread that logs
every request, verifies its Standard Webhooks signature with its own code (not the app's),
and can be told to answer an error, to stall, or to be down."""

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60


def verify_standard_webhook(secret: str, headers: dict, body: bytes, now: float) -> bool:
    """The receiver's side of the spec, written from the spec: whsec_ key, v1 list, tolerance."""
    msg_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (msg_id and stamp and signatures and stamp.isdigit()):
        return False
    if abs(now - int(stamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret[len("whsec_") :] if secret.startswith("whsec_") else secret)
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for entry in signatures.split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return True
    return False


@dataclass
class Request:
    """One request as the receiver saw it, and what it answered."""

    headers: dict
    body: bytes
    received_at: float
    verified: bool
    status: int | None = None
    answered_at: float | None = None

    @property
    def webhook_id(self) -> str | None:
        return self.headers.get("webhook-id")

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """The server's state; change `status`, `stall` and `delay` between requests."""

    secret: str | None = None
    status: int = 200
    delay: float = 0.0
    stall: threading.Event | None = None  # when set up, handlers wait until it is set
    log: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/counterpulse"

    def start(self) -> "Receiver":
        """Listen (again) on the same port, or on a free one the first time."""
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self.server.daemon_threads = True
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Go down: the port refuses connections until start() again."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def delivered_ids(self) -> list[str]:
        """The webhook-ids answered with 2xx, in order; a real receiver dedupes on these."""
        with self.lock:
            return [r.webhook_id for r in self.log if r.status and 200 <= r.status < 300]

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Request]:
        """Wait until `count` requests arrived; the log so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.log) >= count:
                    return list(self.log)
            time.sleep(0.01)
        raise AssertionError(f"the receiver got {len(self.log)} requests, not {count}")


def _handler_for(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {key.lower(): value for key, value in self.headers.items()}
            verified = bool(receiver.secret) and verify_standard_webhook(
                receiver.secret, headers, body, time.time()
            )
            entry = Request(headers, body, time.time(), verified)
            with receiver.lock:
                receiver.log.append(entry)
            if receiver.stall is not None:
                receiver.stall.wait(30)
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.status
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"not now")
            except OSError:
                return  # the sender is gone; it never saw this answer
            entry.status, entry.answered_at = status, time.time()

        def log_message(self, *_args):
            pass

    return Handler
