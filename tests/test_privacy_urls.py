"""No personal data in URLs: routes take ids, codes and tokens, never a person's details.

At run time the log check (tests/log_capture.py) reads every request line the test servers
log, query strings included.
"""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

PERSONAL = {"email", "phone", "name", "customer", "words", "text", "contact", "address"}


def test_no_route_carries_personal_data_in_its_path(app):
    for rule in app.url_map.iter_rules():
        assert not set(rule.arguments) & PERSONAL, rule.rule


def test_every_form_customers_fill_in_posts_its_fields():
    forms = [
        form
        for path in TEMPLATES.glob("kiosk/**/*.html")
        for form in re.findall(r"<form[^>]*>", path.read_text())
    ]
    assert forms and all('method="post"' in form for form in forms)
