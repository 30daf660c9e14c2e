"""Where a webhook may point: public http(s) addresses only, unless configuration allows more.

A URL is checked when it is saved and again at every delivery, and the delivery connects
to the very address that was checked, so a DNS answer that changes in between (rebinding)
cannot steer a call to the loopback, link-local or private network.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsafeDestination(Exception):
    """A webhook URL that may not be called; the message says why, translated."""


@dataclass(frozen=True)
class Destination:
    """A checked URL, split, with the address the call must connect to."""

    scheme: str
    host: str
    port: int
    target: str  # the path and query, as sent in the request line
    address: str


def is_public_address(text: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local...)."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve_destination(url: str, *, allow_private: bool) -> Destination:
    """Check a webhook URL and resolve it to one address it may connect to."""
    scheme, host, port, target = _split(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeDestination(_l("The webhook's host name could not be resolved.")) from None
    addresses = [info[4][0] for info in infos]
    if not allow_private and not all(is_public_address(a) for a in addresses):
        raise UnsafeDestination(
            _l("Webhooks may not point to loopback, link-local or private network addresses.")
        )
    return Destination(scheme, host, port, target, addresses[0])


def _split(url: str) -> tuple[str, str, int, str]:
    if len(url) > MAX_URL_LENGTH or any(ord(ch) <= 32 for ch in url):
        raise UnsafeDestination(_l("Please give a valid web address."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeDestination(_l("Please give a valid web address.")) from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise UnsafeDestination(_l("A webhook address starts with https:// or http://."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeDestination(_l("Put no user name or password in the webhook address."))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme], target
