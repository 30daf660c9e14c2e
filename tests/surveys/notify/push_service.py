"""A Web Push service on loopback, as a browser vendor runs one: it takes the POST of
RFC 8030, checks the VAPID signature (RFC 8292) against the server's public key, and decrypts
the payload (RFC 8291, aes128gcm) with the device's own private key and auth secret."""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.waiting import wait_until


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's push keys: what PushManager.subscribe() makes and keeps on the device."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self, endpoint: str, label: str = "Phone") -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        keys = {"p256dh": b64url(public), "auth": b64url(self.auth)}
        return {"endpoint": endpoint, "keys": keys, "label": label}


@dataclass
class Delivery:
    path: str
    headers: dict
    notification: dict | None  # None when the body could not be decrypted
    vapid_claims: dict | None  # None when the VAPID signature did not verify


@dataclass
class PushService:
    """Answers `status` to every push; `devices` maps a path to the device it belongs to."""

    status: int = 201
    devices: dict[str, Device] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> "PushService":
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def endpoint_for(self, device: Device, name: str) -> str:
        path = f"/push/{name}"
        self.devices[path] = device
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def wait_for(self, count: int) -> list[Delivery]:
        wait_until(lambda: len(self.deliveries) >= count, 15, f"{count} pushes")
        with self.lock:
            return list(self.deliveries)


def verified_vapid_claims(authorization: str) -> dict | None:
    """The claims of `vapid t=<JWT>,k=<key>` when the JWT's ES256 signature verifies."""
    if not authorization.startswith("vapid "):
        return None
    parts = dict(item.strip().split("=", 1) for item in authorization[6:].split(","))
    header, claims, signature = parts["t"].split(".")
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    try:
        key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except Exception:  # noqa: BLE001 - any failure means "not verified"
        return None
    return json.loads(unb64url(claims)) | {"k": parts["k"]}


def _handler_for(service: PushService):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {key.lower(): value for key, value in self.headers.items()}
            device = service.devices.get(self.path)
            notification = None
            if device is not None and headers.get("content-encoding") == "aes128gcm":
                try:
                    plain = http_ece.decrypt(
                        body,
                        private_key=device.private_key,
                        auth_secret=device.auth,
                        version="aes128gcm",
                    )
                    notification = json.loads(plain)
                except Exception:  # noqa: BLE001 - recorded as undecryptable
                    notification = None
            claims = verified_vapid_claims(headers.get("authorization", ""))
            with service.lock:
                service.deliveries.append(Delivery(self.path, headers, notification, claims))
            self.send_response(service.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler
