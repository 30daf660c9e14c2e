"""Who may do what with surveys: owners create and edit them; a manager views and previews
the surveys shown at their own locations, and never learns where else a survey runs."""

from sqlalchemy import Select, select

from surveys.authoring.versions import current_version
from surveys.db import db
from surveys.models import Role, Survey, SurveyAssignment, User
from surveys.people.access import can_see_location, restrict_to_visible


def can_edit_surveys(user: User) -> bool:
    """Only owners write surveys, assignments and branding."""
    return user.role == Role.OWNER


def can_view_surveys(user: User) -> bool:
    """Owners and managers open the survey pages; staff do not."""
    return user.role in (Role.OWNER, Role.MANAGER)


def visible_surveys(user: User) -> Select:
    """The current version of every survey the user may see, by name."""
    statement = select(Survey).where(Survey.superseded_at.is_(None)).order_by(Survey.name)
    if user.role == Role.OWNER:
        return statement
    shown_here = restrict_to_visible(
        select(SurveyAssignment.survey_id), user, SurveyAssignment.location_id
    )
    return statement.where(Survey.id.in_(shown_here))


def can_view_survey(user: User, survey: Survey) -> bool:
    """Owners see every version; a manager one whose current version runs at their location."""
    if user.role == Role.OWNER:
        return True
    if not can_view_surveys(user):
        return False
    shown = assignments_of(current_version(survey))
    return any(can_see_location(user, assignment.location_id) for assignment in shown)


def assignments_of(survey: Survey) -> list[SurveyAssignment]:
    """Where a version is shown, every location."""
    statement = select(SurveyAssignment).where(SurveyAssignment.survey_id == survey.id)
    return list(db.session.scalars(statement))


def visible_assignments(user: User, survey: Survey) -> list[SurveyAssignment]:
    """Where a version is shown, limited to the locations the user may see."""
    return [a for a in assignments_of(survey) if can_see_location(user, a.location_id)]
