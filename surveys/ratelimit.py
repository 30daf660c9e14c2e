"""The unbound rate limiter. Its counters are shared by every worker: in Redis when REDIS_URL
is set (many hosts), else in a SQLite file beside the SQLite database (one machine,
`ratelimit_storage.py`); `shared_state.rate_limit_storage` decides, RATELIMIT_STORAGE_URI
overrides."""

import ipaddress
import math
import time
from dataclasses import dataclass

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

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


class BudgetSpent(Exception):
    """One of the budgets has no attempt left; nothing was taken from any of them."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass
class Taken:
    """Attempts taken from budgets, each a limit and the identifiers of its counter."""

    hits: list[tuple[RateLimitItem, tuple[str, ...]]]

    def give_back(self) -> None:
        """The attempt turned out not to count (a right password): return it to each budget."""
        for item, identifiers in self.hits:
            limiter.limiter.hit(item, *identifiers, cost=-1)


def take_attempt(budgets: dict[str, str]) -> Taken:
    """One attempt from each budget ({counter key: limit, e.g. "10 per 15 minutes"}), counted
    BEFORE the work it limits: parallel requests on any worker or host each get their own
    number, so together they never get past a limit (a test first and a count afterwards would
    let every request in flight through). Raises BudgetSpent when one is spent."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    taken = Taken([])
    for key, limits in budgets.items():
        for item in parse_many(limits):
            identifiers = (prefix, "attempts", key)
            taken.hits.append((item, identifiers))
            if not limiter.limiter.hit(item, *identifiers):
                taken.give_back()
                reset = limiter.limiter.get_window_stats(item, *identifiers).reset_time
                raise BudgetSpent(max(1, math.ceil(reset - time.time())))
    return taken
