"""What must hold in the database after any amount of fuzzing: the answers it accepted and
nothing else, each alert exactly where a negative answer is, no orphans, no duplicates."""

from collections import Counter

from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Alert, Answer, Customer, FollowUp, Response


def no_orphans() -> list[str]:
    """Every foreign key of every table points at a row that exists."""
    problems = []
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            column, target = key.parent, key.column
            orphans = db.session.scalar(
                select(func.count())
                .select_from(table)
                .where(column.is_not(None), column.not_in(select(target)))
            )
            if orphans:
                problems.append(f"{orphans} rows of {table.name}.{column.name} point nowhere")
    return problems


def response_problems(response: Response) -> list[str]:
    """What is wrong with one stored response, its answers and its alert."""
    problems = []
    name = f"response {response.uuid}"
    main = response.survey.main_question
    ratings = [a for a in response.answers if a.question_id == main.id]
    if [a.number for a in ratings] != [response.rating]:
        problems.append(f"{name}: main answers {[a.number for a in ratings]} != {response.rating}")
    survey_questions = {q.id for q in response.survey.questions}
    if any(a.question_id not in survey_questions for a in response.answers):
        problems.append(f"{name}: an answer to a question of another survey")
    alerted = response.is_negative and not response.suspected_misuse
    if alerted != (response.alert is not None):
        problems.append(f"{name}: negative={response.is_negative}, alert={response.alert}")
    if response.alert is not None and response.alert.location_id != response.location_id:
        problems.append(f"{name}: its alert is at another location")
    given = response.follow_up == FollowUp.GIVEN
    if response.follow_up_digest is not None and not given:
        problems.append(f"{name}: a follow-up's digest, but the follow-up is {response.follow_up}")
    if response.customer_id is not None and not given:
        problems.append(f"{name}: a customer without a follow-up")
    return problems


def duplicates() -> list[str]:
    """No uuid, receipt or customer stored twice."""
    problems = []
    for column in (Response.uuid, Response.receipt_token, Response.customer_id):
        counts = Counter(v for v in db.session.scalars(select(column)) if v is not None)
        problems += [f"{column} {value} stored {n} times" for value, n in counts.items() if n > 1]
    alert_counts = Counter(db.session.scalars(select(Alert.response_id)))
    problems += [f"{n} alerts for response {r}" for r, n in alert_counts.items() if r and n > 1]
    return problems


def database_problems(accepted: set[str], followed_up: set[str]) -> list[str]:
    """Everything wrong in the database, given the taps and follow-ups that were accepted."""
    problems = no_orphans() + duplicates()
    stored = set(db.session.scalars(select(Response.uuid)))
    if stored != accepted:
        problems.append(
            f"stored but not accepted: {sorted(stored - accepted)[:5]}, "
            f"accepted but not stored: {sorted(accepted - stored)[:5]}"
        )
    given = set(
        db.session.scalars(select(Response.uuid).where(Response.follow_up_digest.is_not(None)))
    )
    if not given <= followed_up:
        problems.append(f"follow-ups stored but never accepted: {sorted(given - followed_up)[:5]}")
    for response in db.session.scalars(select(Response)):
        problems += response_problems(response)
    loose = db.session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(
            Customer.id.not_in(
                select(Response.customer_id).where(Response.customer_id.is_not(None))
            )
        )
    )
    if loose:
        problems.append(f"{loose} customers belong to no response")
    answerless = db.session.scalar(
        select(func.count())
        .select_from(Answer)
        .where(Answer.response_id.not_in(select(Response.id)))
    )
    if answerless:
        problems.append(f"{answerless} answers belong to no response")
    return problems
