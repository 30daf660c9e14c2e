"""Money in a location's currency: ISO 4217 codes, amounts kept as whole minor units (cents
for EUR, yen for JPY, fils for KWD), read from what a manager types, written as the reader's
language writes them."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision, list_currencies
from flask_babel import get_locale
from flask_babel import gettext as _

DEFAULT_CURRENCY = "EUR"
# Far past any remedy, and within a 32-bit integer column on every database.
MAX_AMOUNT_MINOR = 100_000_000


def currencies() -> list[str]:
    """The ISO 4217 codes a location may count in, sorted."""
    return sorted(code for code in list_currencies() if len(code) == 3 and code.isalpha())


def clean_currency(text: str, errors: dict[str, str]) -> str | None:
    """A known ISO 4217 code, upper case, or an error on the "currency" field."""
    code = (text or "").strip().upper()
    if code not in list_currencies():
        errors["currency"] = _("Please choose a currency from the list.")
        return None
    return code


def parse_amount(text: str, currency: str, field: str, errors: dict[str, str]) -> int | None:
    """An amount such as "12.50" or "12,50" in minor units of the currency; None when empty."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal(-1)
    minor = amount * 10 ** get_currency_precision(currency) if amount.is_finite() else amount
    if not amount.is_finite() or minor != minor.to_integral_value() or not 0 < minor:
        errors[field] = _("Please give the amount, e.g. 12.50.")
        return None
    if minor > MAX_AMOUNT_MINOR:
        errors[field] = _("That amount is too large.")
        return None
    return int(minor)


def major(minor: int, currency: str) -> Decimal:
    """Minor units as the exact amount: 1250 EUR cents are 12.50."""
    return Decimal(minor).scaleb(-get_currency_precision(currency))


def format_money(minor: int | None, currency: str | None, locale=None) -> str:
    """An amount with its currency as the reader (or `locale`) writes it: "€12.50", "12,50 €"."""
    if minor is None:
        return ""
    currency = currency or DEFAULT_CURRENCY
    return format_currency(major(minor, currency), currency, locale=locale or get_locale())
