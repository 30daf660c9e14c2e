"""The case history without HTTP: keyset pages, the search, the overdue view, the counts."""

from dataclasses import replace
from datetime import timedelta

import pytest

from surveys.cases.actions import act_on_case
from surveys.cases.inbox import InboxFilter, inbox_page, parse_filter, status_counts
from surveys.cases.inbox_filter import clean_words
from surveys.db import db
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import AlertStatus, Staff, utcnow
from tests.case_factories import make_alert

EVERYTHING = InboxFilter()


def walk(user, inbox: InboxFilter, size: int) -> list[list[int]]:
    """Every page's alert ids, following the older-page cursor to the end."""
    pages = []
    while True:
        page = inbox_page(user, inbox, size)
        pages.append([alert.id for alert in page.alerts])
        if page.older is None:
            return pages
        inbox = replace(inbox, before=page.older)


def test_pages_reach_every_case_once_even_when_new_ones_arrive(people):
    ids = [make_alert(people.shop).id for _ in range(7)]
    first = inbox_page(people.manager, EVERYTHING, 3)
    assert [a.id for a in first.alerts] == ids[:-4:-1] and first.older == ids[4]
    make_alert(people.shop)  # arrives while the manager reads page one
    rest = walk(people.manager, replace(EVERYTHING, before=first.older), 3)
    assert rest == [ids[3:0:-1], [ids[0]]]
    assert inbox_page(people.manager, replace(EVERYTHING, before=ids[0]), 3).alerts == []


def test_the_search_finds_the_customers_words_whatever_their_case(people):
    queue = make_alert(people.shop, words="Twenty minutes in the QUEUE, nobody came.")
    make_alert(people.shop, words="Cold coffee.")
    percent = make_alert(people.shop, words="Charged 100% more than the menu")
    elsewhere = make_alert(people.other_shop, words="The queue again")
    found = lambda user, words: [a.id for a in inbox_page(user, InboxFilter(words=words)).alerts]  # noqa: E731
    assert found(people.manager, "queue") == [queue.id]
    assert found(people.owner, "Queue") == [elsewhere.id, queue.id]
    assert found(people.owner, "minutes in the") == [queue.id]
    assert found(people.owner, "100% more") == [percent.id]
    assert found(people.owner, "0%_m") == []  # wildcards are letters, not patterns
    assert found(people.owner, "zebra") == []


def test_the_search_follows_words_added_changed_and_erased(people):
    alert = make_alert(people.shop, words="Sticky tables")
    answer = next(a for a in alert.response.answers if a.text)
    assert inbox_page(people.owner, InboxFilter(words="sticky")).alerts == [alert]
    answer.text = "Clean at last"
    db.session.flush()
    assert inbox_page(people.owner, InboxFilter(words="sticky")).alerts == []
    assert inbox_page(people.owner, InboxFilter(words="clean")).alerts == [alert]
    answer.text = None
    db.session.flush()
    assert inbox_page(people.owner, InboxFilter(words="clean")).alerts == []


def test_topics_staff_and_local_days_narrow_the_list(people):
    waiting = make_alert(people.shop, topics=("waiting", "staff"))
    make_alert(people.shop, topics=("price",))
    member = Staff(location_id=people.shop.id, name="Anahit")
    db.session.add(member)
    db.session.flush()
    served = make_alert(people.shop)
    served.response.staff_id = member.id
    old = make_alert(people.shop, captured_at=utcnow() - timedelta(days=40))
    old.created_at = utcnow() - timedelta(days=40)
    db.session.flush()
    ids = lambda inbox: [a.id for a in inbox_page(people.manager, inbox).alerts]  # noqa: E731
    assert ids(InboxFilter(topic="waiting")) == [waiting.id]
    assert ids(InboxFilter(staff_id=member.id)) == [served.id]
    today = utcnow().date()
    recent = ids(InboxFilter(first=today - timedelta(days=30)))
    assert old.id not in recent and waiting.id in recent
    assert ids(InboxFilter(last=today - timedelta(days=30))) == [old.id]


def test_overdue_is_past_the_locations_acknowledge_or_resolve_target(people):
    people.shop.escalate_after_minutes, people.shop.resolve_within_hours = 10, 24
    fresh = make_alert(people.shop)
    unanswered = make_alert(people.shop)
    unanswered.created_at = utcnow() - timedelta(minutes=11)
    taken = make_alert(people.shop)
    taken.created_at = utcnow() - timedelta(hours=2)
    act_on_case(taken, people.manager, "acknowledge", {}, None)
    stale = make_alert(people.shop)
    stale.created_at = utcnow() - timedelta(hours=25)
    act_on_case(stale, people.manager, "acknowledge", {}, None)
    db.session.flush()
    overdue = InboxFilter(overdue=True)
    listed = [a.id for a in inbox_page(people.manager, overdue).alerts]
    assert listed == [stale.id, unanswered.id] and fresh.id not in listed
    people.shop.escalate_after_minutes = people.shop.resolve_within_hours = 0  # no targets
    assert inbox_page(people.manager, overdue).alerts == []


def test_counts_per_status_follow_the_filter_but_not_the_status_chosen(people):
    for _ in range(3):
        make_alert(people.shop, words="Long queue")
    taken = make_alert(people.shop, words="Long queue")
    act_on_case(taken, people.manager, "acknowledge", {}, None)
    make_alert(people.shop, words="Cold")
    make_alert(people.other_shop, words="Long queue")
    counts = status_counts(people.manager, InboxFilter(status=AlertStatus.NEW, words="queue"))
    assert counts["new"] == 3 and counts["acknowledged"] == 1 and counts["all"] == 4
    assert status_counts(people.owner, EVERYTHING)["all"] == 6
    assert status_counts(people.manager, EVERYTHING)["overdue"] == 0


def test_a_history_filter_from_the_url_is_checked(people):
    member = Staff(location_id=people.other_shop.id, name="Ravi")
    db.session.add(member)
    db.session.flush()
    searches = {"tok": "queue"}
    args = {"view": "overdue", "topic": "waiting", "from": "2026-01-02", "q": "tok"}
    inbox = parse_filter(people.owner, args | {"staff": str(member.id)}, searches)
    assert (inbox.overdue, inbox.topic, inbox.words, inbox.staff_id) == (
        True,
        "waiting",
        "queue",
        member.id,
    )
    assert inbox.query_args()["q"] == "tok" and "queue" not in inbox.query_args().values()
    for bad in (
        {"view": "late"},
        {"from": "2026-02-30"},
        {"to": "yesterday"},
        {"from": "1999-12-31"},
        {"from": "2026-03-02", "to": "2026-03-01"},
        {"topic": "x" * 65},
        {"staff": "99999999999"},
        {"q": "gone"},
    ):
        with pytest.raises(SubmissionInvalid):
            parse_filter(people.owner, bad, searches)
    with pytest.raises(SubmissionInvalid):  # another shop's member of staff
        parse_filter(people.manager, {"staff": str(member.id)})
    with pytest.raises(NotVisible):
        parse_filter(people.manager, {"location": str(people.other_shop.id)})
    for cursor in ("-1", "x", "9" * 40, "1e9"):  # an odd cursor: the newest page
        assert parse_filter(people.owner, {"before": cursor}).before is None
    for words in ("ab", "x" * 101):
        with pytest.raises(SubmissionInvalid):
            clean_words(words)
    assert clean_words("  long \n queue ") == "long queue"
