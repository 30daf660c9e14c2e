"""A location's kiosk tablets: managers add them, issue pairing links and revoke them."""

from flask import request, url_for

from admin import bp
from admin.guards import actor, location_or_404, manager_required, scoped_or_404
from admin.rendering import render_page, see_other, wants_partial
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Device, Location
from surveys.places.device_health import device_health
from surveys.places.devices import add_device, devices_of, renew_pairing_code, revoke

PAGE = "admin/devices/list.html"
SECTION = "admin/devices/_section.html"


def _section(location: Location, status: int = 200, **state):
    """The tablets with the add form; state may carry errors or a link just issued."""
    state.setdefault("errors", {})
    devices = list(db.session.scalars(devices_of(location)))
    health = {device.id: device_health(device) for device in devices}
    return render_page(
        PAGE, SECTION, status, location=location, devices=devices, health=health, **state
    )


def _with_pairing_link(device: Device, code: str, status: int = 200):
    """The section showing the one-time pairing link; it is never shown again."""
    link = url_for("kiosk.pair_confirm", code=code, _external=True)
    return _section(device.location, status, pairing={"device": device, "link": link})


@bp.get("/locations/<int:location_id>/devices/")
@manager_required
def devices_list(location_id: int):
    """The location's tablets: paired or not, revoked, last seen."""
    return _section(location_or_404(location_id))


@bp.post("/locations/<int:location_id>/devices/")
@manager_required
def devices_create(location_id: int):
    """Add a tablet and show its one-time pairing link."""
    location = location_or_404(location_id)
    name = request.form.get("name", "")
    try:
        device, code = add_device(location, name, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _section(location, 422, errors={"new": invalid.errors["name"]}, new_name=name)
    db.session.commit()
    return _with_pairing_link(device, code, 201)


@bp.post("/devices/<int:device_id>/pairing-link")
@manager_required
def device_pairing_link(device_id: int):
    """A fresh pairing link for a tablet; the earlier one stops working."""
    device = scoped_or_404(Device, device_id)
    try:
        code = renew_pairing_code(device, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _section(device.location, 422, errors={device.id: invalid.errors["device"]})
    db.session.commit()
    return _with_pairing_link(device, code)


@bp.post("/devices/<int:device_id>/revoke")
@manager_required
def device_revoke(device_id: int):
    """Disconnect a tablet at once: its next tap is refused."""
    device = scoped_or_404(Device, device_id)
    revoke(device, actor())
    db.session.commit()
    if wants_partial():
        return _section(device.location)
    return see_other(url_for("admin.devices_list", location_id=device.location_id))
