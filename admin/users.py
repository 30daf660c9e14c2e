"""Owners manage the admin accounts: create, edit, deactivate, reset a password."""

from flask import flash, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.guards import actor, owner_required, record_or_404
from admin.rendering import render_page, see_other
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Role, User
from surveys.people.access import visible_locations
from surveys.people.users import (
    AccountFields,
    accounts,
    create_account,
    deactivate_account,
    reactivate_account,
    reset_password,
    update_account,
)

FORM_PAGE = "admin/users/form.html"
SHOWN_ONCE_PAGE = "admin/users/password.html"


def _submitted() -> AccountFields:
    """The account form as posted."""
    return AccountFields(
        email=request.form.get("email", ""),
        role=request.form.get("role", ""),
        location_ids=request.form.getlist("location_ids"),
    )


def _fields_of(user: User) -> AccountFields:
    """The account form filled in with the account as it is."""
    location_ids = [str(location.id) for location in user.locations]
    return AccountFields(email=user.email, role=user.role.value, location_ids=location_ids)


def _form(fields: AccountFields, user: User | None = None, errors=None, status: int = 200):
    """The account form, empty, filled in, or with what was wrong."""
    return render_page(
        FORM_PAGE,
        status=status,
        user=user,
        fields=fields,
        errors=errors or {},
        roles=list(Role),
        locations=visible_locations(actor().user),
    )


@bp.get("/users/")
@owner_required
def users_list():
    """Every account with its role and locations."""
    return render_page("admin/users/list.html", users=list(db.session.scalars(accounts())))


@bp.get("/users/new")
@owner_required
def user_new():
    """An empty account form."""
    return _form(AccountFields())


@bp.post("/users/")
@owner_required
def users_create():
    """Create the account and show its one-time password, once."""
    fields = _submitted()
    try:
        user, password = create_account(fields, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _form(fields, errors=invalid.errors, status=422)
    db.session.commit()
    return render_page(SHOWN_ONCE_PAGE, status=201, user=user, password=password, created=True)


@bp.get("/users/<int:user_id>/edit")
@owner_required
def user_edit(user_id: int):
    """The account form filled in."""
    user = record_or_404(User, user_id)
    return _form(_fields_of(user), user)


@bp.post("/users/<int:user_id>")
@owner_required
def user_update(user_id: int):
    """Save the account's e-mail, role and locations."""
    user = record_or_404(User, user_id)
    fields = _submitted()
    try:
        update_account(user, fields, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _form(fields, user, invalid.errors, 422)
    db.session.commit()
    flash(_("The account %(email)s is saved.", email=user.email))
    return see_other(url_for("admin.users_list"))


@bp.post("/users/<int:user_id>/deactivate")
@owner_required
def user_deactivate(user_id: int):
    """Stop the account signing in; its sessions end at once."""
    return _account_action(user_id, deactivate_account, _("%(email)s can no longer sign in."))


@bp.post("/users/<int:user_id>/reactivate")
@owner_required
def user_reactivate(user_id: int):
    """Let the account sign in again."""
    return _account_action(user_id, reactivate_account, _("%(email)s can sign in again."))


def _account_action(user_id: int, action, message: str):
    """Apply a deactivate/reactivate action, then go back to the list (or the form, refused)."""
    user = record_or_404(User, user_id)
    try:
        action(user, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _form(_fields_of(user), user, invalid.errors, 422)
    db.session.commit()
    flash(message % {"email": user.email})
    return see_other(url_for("admin.users_list"))


@bp.post("/users/<int:user_id>/password")
@owner_required
def user_password_reset(user_id: int):
    """Give the account a new one-time password and show it, once."""
    user = record_or_404(User, user_id)
    try:
        password = reset_password(user, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _form(_fields_of(user), user, invalid.errors, 422)
    db.session.commit()
    return render_page(SHOWN_ONCE_PAGE, user=user, password=password, created=False)
