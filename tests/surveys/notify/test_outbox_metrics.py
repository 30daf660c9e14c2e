"""The outbox's outcomes as Prometheus counts, read from GET /metrics after real deliveries
to a real webhook receiver: delivered, failed (to be retried) and dead (given up)."""

from surveys.notify.outbox import deliver_next
from tests.surveys.notify.conftest import later, sad_tap
from tests.surveys.operations.scrape import METRICS_TOKEN, scrape, value

OUTBOX = "counterpulse_outbox_messages_total"


def outcomes(app) -> dict[str, float]:
    app.config["METRICS_TOKEN"] = METRICS_TOKEN
    text = scrape(app.test_client())
    return {name: value(text, OUTBOX, outcome=name) for name in ("delivered", "failed", "dead")}


def change(before: dict, after: dict) -> dict:
    return {name: after[name] - before[name] for name in before}


def test_a_delivery_counts_as_delivered(app, device, demo, receiver, webhook):
    sad_tap(device, demo)
    before = outcomes(app)
    assert deliver_next()
    assert receiver.delivered_ids()  # it really arrived
    assert change(before, outcomes(app)) == {"delivered": 1, "failed": 0, "dead": 0}


def test_a_refused_call_counts_as_failed_then_dead_on_the_last_attempt(
    app, device, demo, receiver, webhook
):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    receiver.status = 500
    sad_tap(device, demo)
    before = outcomes(app)
    assert deliver_next()
    assert change(before, outcomes(app)) == {"delivered": 0, "failed": 1, "dead": 0}
    assert deliver_next(later())
    assert change(before, outcomes(app)) == {"delivered": 0, "failed": 1, "dead": 1}
    assert len(receiver.log) == 2


def test_a_message_whose_workers_all_died_counts_as_dead(app, device, demo, receiver, webhook):
    from surveys.db import db
    from surveys.notify.outbox import claim_next, give_up_abandoned

    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    sad_tap(device, demo)
    assert claim_next() is not None  # claimed, then its worker "dies": never settled
    before = outcomes(app)
    assert give_up_abandoned(later()) == 1
    assert change(before, outcomes(app))["dead"] == 0  # not before the commit
    db.session.commit()
    assert change(before, outcomes(app)) == {"delivered": 0, "failed": 0, "dead": 1}
