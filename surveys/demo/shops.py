"""The demo: two locations with staff, the quick-faces survey, a kiosk, an owner, a
manager who sees only the second location, and a few cases in various states so the inbox
shows what it is for."""

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from surveys.authoring.templates import create_quick_faces_survey
from surveys.channels.posters import poster_code
from surveys.channels.receipts import mint_receipt
from surveys.db import db
from surveys.demo.cases import add_sample_cases
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import Channel, Device, Location, Role, Staff, Survey, SurveyAssignment, User
from surveys.people.accounts import create_user, generate_password, set_password
from surveys.places.devices import create_device, issue_pairing_code
from surveys.places.locations import assign_survey, create_location
from surveys.places.opening_hours import parse_opening_hours

DEMO_LOCATION = "Demo shop"
DEMO_OWNER_EMAIL = "owner@counterpulse.example"
DEMO_STAFF = ["Anahit", "Ravi", "Leyla", "Arben"]
SECOND_LOCATION = "Second shop"
SECOND_STAFF = ["Besa", "Elira"]
DEMO_MANAGER_EMAIL = "manager@counterpulse.example"


@dataclass
class DemoSetup:
    pairing_code: str
    owner_email: str
    owner_password: str
    manager_email: str
    manager_password: str
    location_id: int
    receipt_code: str
    poster_code: str


def set_up_demo(sample_cases: bool = True) -> DemoSetup:
    """Create the demo once; on a rerun, issue a fresh pairing code and new passwords."""
    location = db.session.scalar(select(Location).where(Location.name == DEMO_LOCATION))
    first_run = location is None
    if first_run:
        location = create_location(DEMO_LOCATION, "Asia/Yerevan", list(SUPPORTED_LANGUAGES), "en")
        location.manager_on_duty = True
        location.opening_hours = parse_opening_hours(["mon-sun 08:00-22:00"])
        location.staff = [Staff(name=name) for name in DEMO_STAFF]
        db.session.flush()
        survey = create_quick_faces_survey()
        for channel in Channel:
            assign_survey(survey, location, channel)
        device, code = create_device(location, "Checkout tablet")
    else:
        device = db.session.scalar(select(Device).where(Device.location_id == location.id))
        code = issue_pairing_code(device)
    second = _second_location(location)
    owner_password = _account_with_new_password(DEMO_OWNER_EMAIL, Role.OWNER)
    manager_password = _account_with_new_password(DEMO_MANAGER_EMAIL, Role.MANAGER, second)
    db.session.flush()
    if first_run and sample_cases:
        owner = db.session.scalar(select(User).where(User.email == DEMO_OWNER_EMAIL))
        add_sample_cases(location, survey, device, owner)
    # A fresh receipt each run, as if till 1 had just printed it.
    receipt = mint_receipt(location, till=1, number=secrets.randbelow(1_000_000))
    return DemoSetup(
        pairing_code=code,
        owner_email=DEMO_OWNER_EMAIL,
        owner_password=owner_password,
        manager_email=DEMO_MANAGER_EMAIL,
        manager_password=manager_password,
        location_id=location.id,
        receipt_code=receipt.code,
        poster_code=poster_code(location),
    )


def demo_locations() -> list[Location]:
    """The demo shops, the first one first."""
    statement = select(Location).where(Location.name.in_([DEMO_LOCATION, SECOND_LOCATION]))
    return sorted(
        db.session.scalars(statement), key=lambda location: location.name != DEMO_LOCATION
    )


def _second_location(first: Location) -> Location:
    """A second shop showing the same survey, so scoping by location can be seen."""
    location = db.session.scalar(select(Location).where(Location.name == SECOND_LOCATION))
    if location is None:
        location = create_location(SECOND_LOCATION, "Europe/Tirane", ["sq", "en"], "sq")
        location.staff = [Staff(name=name) for name in SECOND_STAFF]
        db.session.flush()
        survey = db.session.scalar(
            select(SurveyAssignment.survey_id).where(SurveyAssignment.location_id == first.id)
        )
        assign_survey(db.session.get(Survey, survey), location, Channel.KIOSK)
    return location


def _account_with_new_password(email: str, role: Role, *locations: Location) -> str:
    """Create the demo account, or give it a fresh one-time password; returns the password.

    Like any account an owner creates, it must choose its own password at first sign-in."""
    password = generate_password()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = create_user(email, password, role)
        user.locations = list(locations)
    else:
        set_password(user, password)
    user.must_change_password = True
    return password
