"""The unbound rate limiter; its counters live in Redis when REDIS_URL is set, so a limit
holds across gunicorn workers and hosts, and in process memory on one machine."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])
