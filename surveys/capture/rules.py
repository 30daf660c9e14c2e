"""What counts as negative or positive: rules read from the survey's data, not code paths."""

from surveys.models import Question, ShownWhen


def is_negative_rating(question: Question, rating: int) -> bool:
    """A rating at or below the question's threshold is negative."""
    threshold = question.negative_at_or_below
    return threshold is not None and rating <= threshold


def is_positive_rating(question: Question, rating: int) -> bool:
    """A rating at or above the question's praise threshold is positive."""
    threshold = question.positive_at_or_above
    return threshold is not None and rating >= threshold


def has_complaint(question: Question, choices: list[str]) -> bool:
    """Choosing an option marked as a complaint makes a response negative."""
    complaints = {o["value"] for o in question.options if o.get("complaint")}
    return bool(complaints.intersection(choices))


def negative_reason(questions: list[Question], answers) -> str | None:
    """Why a follow-up makes the response negative: a low rating, a complaint, or None."""
    by_id = {q.id: q for q in questions}
    for question_id, number, _choice, _text in answers:
        if number is not None and is_negative_rating(by_id[question_id], number):
            return "rating"
    chosen = [choice for _q, _n, choice, _t in answers if choice]
    if any(has_complaint(question, chosen) for question in questions):
        return "topic"
    return None


def follow_up_for(question: Question, rating: int) -> ShownWhen | None:
    """Which follow-up screen a first rating opens, if any."""
    if is_negative_rating(question, rating):
        return ShownWhen.NEGATIVE
    if is_positive_rating(question, rating):
        return ShownWhen.POSITIVE
    return None
