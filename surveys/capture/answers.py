"""Validating the answers of a follow-up screen into plain values, or {field: message}."""

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from surveys.capture.conditions import AnswerValue, answer_value, condition_holds
from surveys.errors import SubmissionInvalid
from surveys.models import Question, QuestionKind
from surveys.numbers import whole_number

MAX_TEXT_LENGTH = 2000
MAX_NAME_LENGTH = 120  # Customer.name's column
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()./-]{4,24}$")

# The wording the customer agrees to is kept with their details, in their language.
CONSENT_TEXT = _l(
    "Yes, please contact me about this visit. The shop keeps my name and contact details "
    "only for this and deletes them afterwards."
)


@dataclass(frozen=True)
class Contact:
    name: str | None
    email: str | None
    phone: str | None


@dataclass
class FollowUpAnswers:
    """A validated follow-up: answer rows, the staff member named, the contact given."""

    answers: list[tuple[int, int | None, str | None, str | None]] = field(default_factory=list)
    staff_id: int | None = None
    contact: Contact | None = None

    def digest(self) -> str:
        """A fingerprint of the content, to tell a resend from a different answer."""
        body = {
            "answers": sorted(self.answers, key=repr),
            "staff": self.staff_id,
            "contact": asdict(self.contact) if self.contact else None,
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def clean_text(value: str, field_name: str, errors: dict[str, str]) -> str | None:
    """Strip a free text; refuse NUL and control characters and over-long texts."""
    value = value.strip()
    if not value:
        return None
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        errors[field_name] = _("The text contains characters that are not allowed.")
    elif len(value) > MAX_TEXT_LENGTH:
        errors[field_name] = _("Please keep it under %(limit)d characters.", limit=MAX_TEXT_LENGTH)
    return value


def _values(form: Mapping[str, Sequence[str]], name: str) -> list[str]:
    return [v for v in form.get(name, []) if v != ""]


def _single(form, name: str, errors: dict[str, str]) -> str | None:
    values = _values(form, name)
    if len(values) > 1:
        errors[name] = _("Please choose only one.")
    return values[0] if values else None


def parse_follow_up(
    questions: list[Question],
    form: Mapping[str, Sequence[str]],
    staff_ids: set[int],
    known: Mapping[str, AnswerValue] | None = None,
) -> FollowUpAnswers:
    """Validate every shown question of a follow-up screen; raise SubmissionInvalid on errors.

    `known` holds the earlier answers by question key; a question whose condition does not
    hold on them and on this screen's answers before it is skipped, whatever was sent for it.
    """
    errors: dict[str, str] = {}
    parsed = FollowUpAnswers()
    answers = dict(known or {})
    for question in questions:
        if not condition_holds(question.condition, answers):
            continue
        _parse_question(question, form, staff_ids, parsed, errors)
        value = answer_value(question, _values(form, f"q{question.id}"))
        if value is not None and f"q{question.id}" not in errors:
            answers[question.key] = value
    if errors:
        raise SubmissionInvalid(errors)
    return parsed


def _parse_question(question: Question, form, staff_ids: set[int], parsed, errors) -> None:
    """Add one question's answer to `parsed`, or its error to `errors`."""
    name = f"q{question.id}"
    if question.kind in (QuestionKind.MULTI, QuestionKind.CHOICE):
        chosen = sorted(set(_values(form, name)))
        if question.kind == QuestionKind.CHOICE and len(chosen) > 1:
            errors[name] = _("Please choose only one.")
        if not set(chosen) <= set(question.option_values()):
            errors[name] = _("Please choose from the list.")
        parsed.answers += [(question.id, None, value, None) for value in chosen]
    elif question.rating_range is not None:
        value = _single(form, name, errors)
        if value is not None:
            rating = whole_number(value)
            if rating is None or rating not in question.rating_range:
                errors[name] = _("Please choose from the list.")
            else:
                parsed.answers.append((question.id, rating, None, None))
    elif question.kind == QuestionKind.TEXT:
        text = clean_text(" ".join(_values(form, name)), name, errors)
        if text:
            parsed.answers.append((question.id, None, None, text))
    elif question.kind == QuestionKind.STAFF:
        parsed.staff_id = _parse_staff(_single(form, name, errors), staff_ids, name, errors)
    elif question.kind == QuestionKind.CONTACT:
        parsed.contact = _parse_contact(form, name, errors)


def _parse_staff(value: str | None, staff_ids: set[int], name: str, errors) -> int | None:
    if value is None:
        return None
    staff_id = whole_number(value)
    if staff_id is None or staff_id not in staff_ids:
        errors[name] = _("Please choose from the list.")
        return None
    return staff_id


def _parse_contact(form, name: str, errors: dict[str, str]) -> Contact | None:
    """Contact details count only with the explicit consent box ticked, and vice versa."""
    person = clean_text(_single(form, f"{name}-name", errors) or "", f"{name}-name", errors)
    if person and len(person) > MAX_NAME_LENGTH:  # PostgreSQL refuses longer: a server error
        errors[f"{name}-name"] = _(
            "Please keep it under %(limit)d characters.", limit=MAX_NAME_LENGTH
        )
    email = (_single(form, f"{name}-email", errors) or "").strip() or None
    phone = (_single(form, f"{name}-phone", errors) or "").strip() or None
    consent = _single(form, f"{name}-consent", errors) == "yes"
    if email and (len(email) > 254 or not EMAIL_PATTERN.match(email)):
        errors[f"{name}-email"] = _("Please check the e-mail address.")
    if phone and not PHONE_PATTERN.match(phone):
        errors[f"{name}-phone"] = _("Please check the phone number.")
    if (email or phone) and not consent:
        errors[f"{name}-consent"] = _("Please tick the box so that we may contact you.")
    elif consent and not (email or phone):
        errors[f"{name}-email"] = _("Please give a phone number or an e-mail address.")
    elif person and not (email or phone):
        errors[f"{name}-email"] = _("Please give a phone number or an e-mail address.")
    if not consent:
        return None
    return Contact(name=person, email=email, phone=phone)
