"""Remembering a customer who consented: their earlier feedback and how it was handled."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from surveys.db import db
from surveys.models import Customer, Response, User
from surveys.people.access import restrict_to_visible

EARLIER_VISITS_SHOWN = 5


def phone_digits(column):
    """A phone number as its digits and '+', so "+374 10-12" matches "+3741012"."""
    for separator in (" ", "-", ".", "(", ")", "/"):
        column = func.replace(column, separator, "")
    return column


def _normalised_phone(phone: str) -> str:
    """A typed phone number as its digits and '+'."""
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def earlier_visits(response: Response, user: User) -> list[Response]:
    """Earlier responses with the same consented e-mail or phone, at locations the user sees."""
    customer = response.customer
    if customer is None or not (customer.email or customer.phone):
        return []
    same_contact = []
    if customer.email:
        same_contact.append(func.lower(Customer.email) == customer.email.lower())
    if customer.phone:
        same_contact.append(phone_digits(Customer.phone) == _normalised_phone(customer.phone))
    statement = (
        select(Response)
        .join(Customer, Response.customer_id == Customer.id)
        .where(or_(*same_contact), Response.id != response.id)
        .where(Response.captured_at <= response.captured_at)
        .order_by(Response.captured_at.desc())
        .limit(EARLIER_VISITS_SHOWN)
        .options(selectinload(Response.answers), selectinload(Response.alert))
    )
    statement = restrict_to_visible(statement, user, Response.location_id)
    return list(db.session.scalars(statement))
