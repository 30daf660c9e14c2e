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


def text_direction(language: str) -> str:
    """'rtl' for right-to-left scripts, else 'ltr'."""
    return Locale.parse(language).text_direction


def localized(texts: dict[str, str], language: str, fallback: str = "en") -> str:
    """The text in the language, else in the fallback, else any text there is."""
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()), "")
