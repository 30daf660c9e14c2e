"""The receipt code format: what a till prints, signed with its location's secret.

A code is base64url (no padding) of a 17-byte payload and the first 10 bytes of
HMAC-SHA256(secret, payload): 36 characters. docs/receipt-codes.md documents the format
with test vectors; docs/receipt_code_reference.py is an independent implementation that
the tests hold this one to. Pure functions: no database, no Flask.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

VERSION = 1
PAYLOAD_LENGTH = 17
MAC_LENGTH = 10
CODE_LENGTH = 36  # (17 + 10) bytes * 4/3: a whole number of base64 groups, no padding
CODE_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{CODE_LENGTH}}}")

# Field widths in bytes, in payload order after the version byte; all big-endian unsigned.
FIELD_BYTES = {"location_id": 3, "till": 2, "receipt_number": 4, "issued_at": 4, "staff_id": 3}
FIELD_LIMITS = {name: 2 ** (8 * width) - 1 for name, width in FIELD_BYTES.items()}


class MalformedCode(ValueError):
    """Not a receipt code of a known version, whatever its signature."""


@dataclass(frozen=True)
class ReceiptFields:
    """What a receipt code says; issued_at in Unix seconds (UTC), staff_id 0 for none."""

    location_id: int
    till: int
    receipt_number: int
    issued_at: int
    staff_id: int = 0

    def payload(self) -> bytes:
        """The signed bytes: the version, then each field big-endian at its fixed width."""
        parts = [VERSION.to_bytes(1, "big")]
        for name, width in FIELD_BYTES.items():
            value = getattr(self, name)
            if not 0 <= value <= FIELD_LIMITS[name]:
                raise ValueError(f"{name} {value} does not fit in {width} bytes")
            parts.append(value.to_bytes(width, "big"))
        return b"".join(parts)


def _mac(secret_hex: str, payload: bytes) -> bytes:
    key = bytes.fromhex(secret_hex)
    return hmac.new(key, payload, hashlib.sha256).digest()[:MAC_LENGTH]


def encode_code(fields: ReceiptFields, secret_hex: str) -> str:
    """The printable code for these fields, signed with the location's hex secret."""
    payload = fields.payload()
    return base64.urlsafe_b64encode(payload + _mac(secret_hex, payload)).decode("ascii")


def read_code(code: str) -> ReceiptFields:
    """The fields a code claims, before any signature check; MalformedCode if unreadable."""
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise MalformedCode("not 36 base64url characters")
    raw = base64.urlsafe_b64decode(code)
    if raw[0] != VERSION:
        raise MalformedCode(f"unknown version {raw[0]}")
    values, offset = {}, 1
    for name, width in FIELD_BYTES.items():
        values[name] = int.from_bytes(raw[offset : offset + width], "big")
        offset += width
    return ReceiptFields(**values)


def signature_matches(code: str, secret_hex: str) -> bool:
    """Whether the code's MAC is the one the secret gives, compared in constant time."""
    raw = base64.urlsafe_b64decode(code)
    payload, mac = raw[:PAYLOAD_LENGTH], raw[PAYLOAD_LENGTH:]
    return hmac.compare_digest(mac, _mac(secret_hex, payload))
