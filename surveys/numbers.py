"""Reading whole numbers from what browsers and tills send: ASCII digits only, bounded.

str.isdigit() is true for "²" (which int() refuses) and for "٣" (which it reads), and a
40-digit id overflows the database's integer columns: both were server errors found by the
fuzz tests (tests/fuzz). Read every posted number through whole_number instead.
"""

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL


def whole_number(text: str | None, maximum: int = MAX_ID) -> int | None:
    """The number written in plain ASCII digits, if it is at most `maximum`; else None."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None
