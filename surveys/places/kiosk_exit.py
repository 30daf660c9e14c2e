"""The PIN that lets staff leave kiosk mode, one per location, stored as an argon2id hash."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from surveys.errors import SubmissionInvalid
from surveys.models import Location

MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 12
_hasher = PasswordHasher()  # argon2id, as for passwords: a short PIN needs a slow hash


def set_exit_pin(location: Location, pin: str) -> None:
    """Store a new exit PIN of 4 to 12 digits; refuse anything else."""
    if not (pin.isascii() and pin.isdigit() and MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH):
        message = _(
            "The PIN must be %(low)d to %(high)d digits.", low=MIN_PIN_LENGTH, high=MAX_PIN_LENGTH
        )
        raise SubmissionInvalid({"pin": message})
    location.exit_pin_hash = _hasher.hash(pin)


def exit_pin_matches(location: Location, pin: str) -> bool:
    """Whether the PIN leaves kiosk mode at this location; never without a PIN set."""
    if not location.exit_pin_hash or not pin or len(pin) > MAX_PIN_LENGTH:
        return False
    try:
        return _hasher.verify(location.exit_pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False
