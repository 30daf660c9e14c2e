"""Hostile values for the fuzz tests: the strings attackers and broken clients send, and the
Hypothesis strategies that mix them with generated text, numbers and raw bytes."""

from hypothesis import strategies as st

# Sentences in the shop's languages, from the articles in /work/shared/seeds (and Persian).
SEED_TEXTS = [
    "Լավ հաճախորդների սպասարկումն է ձեր բիզնեսի հացը եւ կարագը:",
    "ग्राहक सेवा सामग्री। ग्राहक सेवा कार्य। ग्राहक सेवा है",
    '"Yaxşı müştəri xidməti" termini nə deməkdir?',
    "Si t'i rregulloni gabimet, mund t'i ktheni konsumatorët e bezdisur në klientë besnikë",
    "خدمات مشتری خوب بود، ولی صف خیلی طولانی بود.",
]

MARKUP = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=1">',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}",
    "{% raw %}{{ config }}{% endraw %}",
    "${7*7}",
    '<div hx-get="/admin/logout" hx-trigger="load">x</div>',
    '<a hx-on:click="alert(1)">x</a>',
    "</textarea><script>alert(1)</script>",
    "<!--",
    "]]>",
]
SQL = [
    "' OR '1'='1",
    "1; DROP TABLE response; --",
    '" OR 1=1 --',
    "%' UNION SELECT password_hash FROM user --",
    "1)) OR ((1=1",
]
CONTROL = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m",
    "\r\nSet-Cookie: x=1",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u061c",  # RTL, LTR and Arabic letter marks
    "\ufeff",
    "\ud7ff\ue000\uffff",
    "\U0001f600\U0001f4a9",
    "e\u0301" * 50,  # combining accents
    "\u0000" * 3,
]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "9" * 40,
    "-" + "9" * 40,
    "2147483648",
    "9223372036854775808",
    "1.5",
    "０１",  # full-width digits
    "²",
    "٣",  # Arabic-Indic three: isdigit() is true
    " 3 ",
    "0x10",
]
TIMES = [
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31T23:59:59",
    "0001-01-01",
    "2026-02-30T00:00:00",
    "2026-11-20T10:00:00+14:00",
    "2026-11-20T10:00:00Z",
    "yesterday",
]
HOSTILE_STRINGS = MARKUP + SQL + CONTROL + NUMBERS + TIMES + SEED_TEXTS + ["", " ", "a" * 2001]

# Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates, truncation.
INVALID_UTF8 = [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"abc\x80def", b"\xfe\xfe"]


def _hostile_text() -> st.SearchStrategy[str]:
    known = st.sampled_from(HOSTILE_STRINGS)
    return st.one_of(
        known,
        known,
        st.text(max_size=40),
        st.integers().map(str),
        st.tuples(st.text(max_size=5), known, st.text(max_size=5)).map("".join),
        st.builds(lambda s, n: s * n, known, st.integers(1, 300)),
    )


# Built once: Hypothesis validates a strategy each time one is built, which is slow.
HOSTILE_TEXT = _hostile_text()
HOSTILE_VALUE = st.one_of(HOSTILE_TEXT, HOSTILE_TEXT, st.sampled_from(INVALID_UTF8))


def hostile_text() -> st.SearchStrategy[str]:
    """A string a hostile or broken client might send in any field."""
    return HOSTILE_TEXT


def hostile_value() -> st.SearchStrategy[str | bytes]:
    """A form value: mostly text, sometimes bytes that are not UTF-8."""
    return HOSTILE_VALUE


def _hostile_json() -> st.SearchStrategy:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([2**63, -(2**63) - 1, 10**30, -1, 0]),
        st.floats(allow_nan=False, allow_infinity=False),
        HOSTILE_TEXT,
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=4)
        ),
        max_leaves=8,
    )


HOSTILE_JSON = _hostile_json()


def hostile_json() -> st.SearchStrategy:
    """Any JSON value, with huge and negative numbers and hostile strings."""
    return HOSTILE_JSON


def pick(draw, values: list):
    """One of the values, drawn cheaply (no new strategy per call)."""
    return values[draw(st.integers(0, len(values) - 1))] if values else ""
