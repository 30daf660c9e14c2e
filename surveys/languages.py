"""The languages Counterpulse speaks, their native names and writing direction."""

from babel import Locale

# Native names, so a customer finds their language whatever the screen shows now.
LANGUAGE_NAMES = {
    "en": "English",
    "hy": "Հայերեն",
    "hi": "हिन्दी",
    "az": "Azərbaycanca",
    "sq": "Shqip",
    "fa": "فارسی",
}
SUPPORTED_LANGUAGES = tuple(LANGUAGE_NAMES)
# The supported languages written right to left, as CLDR says (tests/surveys/test_languages.py
# checks). Asking Babel loads the language's whole CLDR data, 3-4 MB a worker keeps for good.
RIGHT_TO_LEFT = frozenset({"fa"})


def text_direction(language: str) -> str:
    """'rtl' for right-to-left scripts, else 'ltr'."""
    if language in LANGUAGE_NAMES:
        return "rtl" if language in RIGHT_TO_LEFT else "ltr"
    return Locale.parse(language).text_direction


def localized(texts: dict[str, str], language: str, fallback: str = "en") -> str:
    """The text in the language, else in the fallback, else any text there is."""
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()), "")
