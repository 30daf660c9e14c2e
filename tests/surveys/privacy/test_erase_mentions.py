"""The erase finds the person however they were written: any case, any script, a phone with
spaces or dashes, an address in a link, inside JSON (stored escaped) or plain text."""

import pytest

from surveys.db import db
from surveys.models import AlertEvent, EventKind, Remedy
from surveys.privacy.erasure import Subject, erase_person
from surveys.privacy.mentions import person_terms
from tests.case_factories import make_alert

HINDI_NAME = "अनीता वर्मा"
ARMENIAN_NAME = "Էմիլի Սմիթ"


def erase(email=None, phone=None):
    counts = erase_person(Subject.parse(email, phone))
    db.session.commit()
    return counts


@pytest.mark.parametrize("name", [HINDI_NAME, ARMENIAN_NAME, "Ani Erase"])
def test_a_name_is_found_in_other_cases_in_any_case_and_inside_json(people, name):
    own = make_alert(people.shop, words="Cold", email="her@example.com")
    own.response.customer.name = name
    other = make_alert(people.other_shop, words=f"I came with {name.upper()}")
    other.acknowledge(by=people.manager)
    other.resolve(by=people.manager, remedy=Remedy.OTHER, note=f"Called {name.lower()} back")
    other.add_event(EventKind.ACKNOWLEDGED, by=people.manager, heard_from=name.upper())
    db.session.commit()
    erase(email="HER@example.com")
    db.session.expire_all()
    stored = [answer.text for answer in other.response.answers] + [other.remedy_note]
    stored += [str(event.data) + str(event.note) for event in other.events]
    assert not [text for text in stored if text and name.split()[0].lower() in text.lower()]
    assert "I came with [removed]" in stored
    assert "Called [removed] back" in stored


def test_a_phone_is_found_however_it_was_spaced_and_an_address_in_a_link(people):
    make_alert(people.shop, words="Cold", phone="+374 10 555 777")
    words = "ring 374-10-555-777, or (374) 10.555.777; mailto:me%40x.example"
    other = make_alert(people.other_shop, words=words)
    event = AlertEvent(
        alert=other,
        location_id=other.location_id,
        kind=EventKind.ACKNOWLEDGED,
        data={"said": "+37410555777"},
    )
    db.session.add(event)
    db.session.commit()
    erase(phone="+374 10 555777")
    db.session.expire_all()
    texts = [answer.text for answer in other.response.answers if answer.text]
    assert texts == ["ring [removed], or ([removed]; mailto:me%40x.example"]
    assert event.data == {"said": "[removed]"}


def test_short_name_parts_and_missing_values_are_not_searched_alone():
    terms = person_terms([None, " "], [None], ["Jo Li Anderson", None])
    found = {term.text_pattern.pattern for term in terms}
    assert any("Anderson" in pattern and "Jo" not in pattern for pattern in found)
    assert not any(pattern.endswith("Li(?!\\w)") for pattern in found)
