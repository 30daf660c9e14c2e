"""The unbound rate limiter. Its counters are shared by every worker: in Redis when REDIS_URL
is set (many hosts), else in a SQLite file beside the SQLite database (one machine,
`ratelimit_storage.py`); `shared_state.rate_limit_storage` decides, RATELIMIT_STORAGE_URI
overrides."""

import ipaddress

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from surveys import ratelimit_storage  # noqa: F401  (registers the sqlite:// storage)

IPV6_NETWORK_BITS = 64  # one customer's line gets a /64; its addresses are theirs to rotate


def client_network() -> str:
    """The client counted against per-address limits: its IPv4 address, or its IPv6 /64, so
    hopping between the addresses of one network does not give a fresh budget each time."""
    address = get_remote_address() or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_NETWORK_BITS}", strict=False))
    return str(parsed)


limiter = Limiter(key_func=client_network, default_limits=[])
