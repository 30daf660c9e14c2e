"""The demo: a location, its staff, the quick-faces survey, a kiosk and a first owner."""

from dataclasses import dataclass

from sqlalchemy import select

from surveys.accounts import create_user, generate_password, set_password
from surveys.db import db
from surveys.devices import create_device, issue_pairing_code
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.locations import assign_survey, create_location
from surveys.models import Channel, Device, Location, Role, Staff, User
from surveys.opening_hours import parse_opening_hours
from surveys.survey_templates import create_quick_faces_survey

DEMO_LOCATION = "Demo shop"
DEMO_OWNER_EMAIL = "owner@counterpulse.example"
DEMO_STAFF = ["Anahit", "Ravi", "Leyla", "Arben"]


@dataclass
class DemoSetup:
    pairing_code: str
    owner_email: str
    owner_password: str


def set_up_demo() -> DemoSetup:
    """Create the demo once; on a rerun, issue a fresh pairing code and owner password."""
    location = db.session.scalar(select(Location).where(Location.name == DEMO_LOCATION))
    if location is None:
        location = create_location(DEMO_LOCATION, "Asia/Yerevan", list(SUPPORTED_LANGUAGES), "en")
        location.manager_on_duty = True
        location.opening_hours = parse_opening_hours(["mon-sun 08:00-22:00"])
        location.staff = [Staff(name=name) for name in DEMO_STAFF]
        db.session.flush()
        assign_survey(create_quick_faces_survey(), location, Channel.KIOSK)
        _device, code = create_device(location, "Checkout tablet")
    else:
        device = db.session.scalar(select(Device).where(Device.location_id == location.id))
        code = issue_pairing_code(device)
    password = generate_password()
    owner = db.session.scalar(select(User).where(User.email == DEMO_OWNER_EMAIL))
    if owner is None:
        create_user(DEMO_OWNER_EMAIL, password, Role.OWNER)
    else:
        set_password(owner, password)
    db.session.flush()
    return DemoSetup(pairing_code=code, owner_email=DEMO_OWNER_EMAIL, owner_password=password)
