"""How rating scales read, in every language and on every screen that shows one.

The direction decision, one for kiosk, link survey, preview and reports: a scale reads in
the language's writing direction, so its worst end (face 1, star 1, NPS 0) stands at the
inline start. In English that is the left; in Persian and Arabic it is the right, where a
right-to-left reader starts, as their own printed scales and sliders do. The markup lists
ratings from worst to best and never reorders them; the flex row follows `dir`, so the
mirroring comes from the page's direction alone and cannot differ between screens.
"""

from flask_babel import lazy_gettext as _l

FACE_LABELS = {
    1: _l("Very unhappy"),
    2: _l("Unhappy"),
    3: _l("Okay"),
    4: _l("Happy"),
    5: _l("Very happy"),
}
