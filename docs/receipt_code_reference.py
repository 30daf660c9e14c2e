"""Reference implementation of Counterpulse receipt codes, standard library only.

Copy it into a till's software, or port it: docs/receipt-codes.md describes the format and
lists test vectors that any port must reproduce. The Counterpulse tests check that this
file and the server agree on every vector.

    python3 receipt_code_reference.py SECRET_HEX LOCATION TILL RECEIPT UNIX_TIME [STAFF]

prints the code for one receipt; append it to https://<your server>/r/ for the QR.
"""

import base64
import hashlib
import hmac
import struct
import sys

VERSION = 1
MAC_BYTES = 10


def _payload(location_id, till, receipt_number, issued_at, staff_id):
    """17 bytes: version, location (3), till (2), receipt (4), time (4), staff (3)."""
    if not (0 < location_id < 2**24 and 0 <= staff_id < 2**24):
        raise ValueError("location and staff ids must fit in 3 bytes")
    head = struct.pack(">B", VERSION) + location_id.to_bytes(3, "big")
    middle = struct.pack(">HII", till, receipt_number, issued_at)  # raises when out of range
    return head + middle + staff_id.to_bytes(3, "big")


def make_code(secret_hex, location_id, till, receipt_number, issued_at, staff_id=0):
    """The 36-character code a till prints for one receipt.

    secret_hex: the location's signing secret as shown by `flask receipts secret`;
    issued_at: the receipt's time in Unix seconds (UTC); staff_id: 0 when not given.
    """
    payload = _payload(location_id, till, receipt_number, issued_at, staff_id)
    mac = hmac.new(bytes.fromhex(secret_hex), payload, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(payload + mac).decode("ascii").rstrip("=")


def check_code(secret_hex, code):
    """The fields of a genuine code as a dict, or None when it is malformed or forged."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    if len(code) != 36 or any(ch not in alphabet for ch in code):
        return None
    raw = base64.urlsafe_b64decode(code)
    payload, mac = raw[:17], raw[17:]
    expected = hmac.new(bytes.fromhex(secret_hex), payload, hashlib.sha256).digest()
    if payload[0] != VERSION or not hmac.compare_digest(mac, expected[:MAC_BYTES]):
        return None
    till, receipt_number, issued_at = struct.unpack(">HII", payload[4:14])
    return {
        "location_id": int.from_bytes(payload[1:4], "big"),
        "till": till,
        "receipt_number": receipt_number,
        "issued_at": issued_at,
        "staff_id": int.from_bytes(payload[14:17], "big"),
    }


if __name__ == "__main__":
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    secret, *numbers = sys.argv[1:]
    print(make_code(secret, *(int(n) for n in numbers)))
