"""The inbox in a real Chromium next to the kiosk: a sad tap appears live, with a chime,
a notification and the count in the title; then the case is handled to the end."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from surveys.cases.presence import HEARTBEAT_SECONDS, PRESENCE_TTL
from surveys.db import db
from surveys.demo.shops import DEMO_LOCATION
from surveys.models import Alert, AlertStatus, InboxPresence, Location, Outcome, Remedy, utcnow
from tests.browser.conftest import CSP_LISTENER, EXPECT_TIMEOUT_MS, TABLET, _on_console
from tests.waiting import wait_until

expect = pytest.importorskip("playwright.sync_api").expect

# The delay the issue promises is 1 s; this bound only catches a feed that does not work.
GENEROUS_BOUND_MS = 5000

# Wraps the real Notification to note what the page shows; the browser still shows it.
NOTIFICATION_SPY = """
window.__notifications = [];
const RealNotification = window.Notification;
window.Notification = class extends RealNotification {
  constructor(title, options) { super(title, options); window.__notifications.push(title); }
};
"""
# Notes when each alert first appears in the inbox list, by the page's own clock.
ARRIVAL_WATCH = """() => {
  window.__arrivals = {};
  new MutationObserver(() => {
    document.querySelectorAll("#inbox-list [data-alert-id]").forEach((row) => {
      window.__arrivals[row.dataset.alertId] ??= Date.now();
    });
  }).observe(document.body, {childList: true, subtree: true});
}"""


def configure_demo_shop(app, **settings) -> None:
    """Change the demo shop's settings in the database."""
    with app.app_context():
        location = db.session.scalars(select(Location).where(Location.name == DEMO_LOCATION)).one()
        for name, value in settings.items():
            setattr(location, name, value)
        db.session.commit()


@pytest.fixture
def inbox(app, demo, live_server, page):
    """The demo owner's inbox, open, with sound and notifications turned on by a click."""
    configure_demo_shop(app, manager_on_duty=False, response_interval_seconds=0)
    page.context.grant_permissions(["notifications"], origin=live_server)
    page.context.add_init_script(NOTIFICATION_SPY)
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("E-mail").fill(demo.owner_email)
    page.get_by_label("Password").fill(demo.owner_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    page.get_by_role("button", name="Turn on sound and notifications").click()
    expect(page.get_by_role("button", name="Sound and notifications are on")).to_be_visible()
    page.evaluate(ARRIVAL_WATCH)
    return page


@pytest.fixture
def tablet(browser, browser_problems, demo, live_server):
    """The demo kiosk in a browser context of its own, paired, showing the faces."""
    context = browser.new_context(viewport=TABLET, locale="en-US")
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    context.expose_function(
        "__reportCspViolation", lambda text: browser_problems.add(f"csp: {text}")
    )
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.on("console", lambda message: _on_console(browser_problems, message))
    tab.on("pageerror", lambda error: browser_problems.add(f"pageerror: {error}"))
    tab.goto(f"{live_server}/kiosk/pair/{demo.pairing_code}")
    tab.get_by_role("button", name="Use this tablet").click()
    expect(tab.locator("button[name=rating]")).to_have_count(5)
    yield tab
    context.close()


def sad_tap(tablet) -> int:
    """Tap the saddest face; return the moment of the tap by the browser's clock."""
    tapped_at = tablet.evaluate("Date.now()")
    tablet.locator("button[name=rating][value='1']").click()
    return tapped_at


def stored_alert(app) -> Alert:
    with app.app_context():
        alert = db.session.scalars(select(Alert)).one()
        _ = alert.coupons, alert.events
        db.session.expunge_all()
        return alert


def test_a_sad_tap_reaches_the_open_inbox_and_the_case_is_handled_to_the_end(
    app, inbox, tablet, axe, record_property
):
    found = {"inbox, empty": axe(inbox)}
    tapped_at = sad_tap(tablet)
    row = inbox.locator("#inbox-list [data-alert-id]")
    expect(row).to_have_count(1, timeout=GENEROUS_BOUND_MS)
    alert_id = row.get_attribute("data-alert-id")
    delay_ms = inbox.evaluate(f"window.__arrivals['{alert_id}']") - tapped_at
    record_property("tap_to_inbox_ms", delay_ms)
    print(f"tap to inbox: {delay_ms} ms")
    assert delay_ms < GENEROUS_BOUND_MS
    expect(row).to_contain_text("Demo shop")
    expect(row).to_contain_text("rating 1 of 5")
    expect(inbox).to_have_title("(1) Alerts · Counterpulse")
    expect(inbox.locator("#inbox-announce")).to_contain_text("New alert at Demo shop")
    assert inbox.evaluate("window.__notifications") == ["New alert: Demo shop"]
    assert inbox.evaluate("document.getElementById('alert-sound').played.length") > 0

    # The customer says more; the kiosk promises a manager: the owner's inbox is open.
    tablet.get_by_label("Waiting time").check()
    tablet.get_by_role("button", name="Next").click()
    tablet.get_by_label("Would you like to tell us more?").fill("Twenty minutes at one till.")
    tablet.locator("form.follow-up button[type=submit]").click()
    expect(tablet.locator(".manager-coming")).to_have_text(
        "A manager has been told and will come to you."
    )
    expect(row).to_contain_text("Twenty minutes at one till.")
    expect(row).to_contain_text("Waiting time")
    found["inbox, one alert"] = axe(inbox)

    inbox.get_by_role("link", name="Demo shop · rating 1 of 5").click()
    expect(inbox.get_by_role("heading", name=f"Case {alert_id} · Demo shop")).to_be_visible()
    found["case, new"] = axe(inbox)
    inbox.get_by_role("button", name="I'm on it").click()
    expect(inbox.locator("#case-status")).to_have_text("Acknowledged")
    expect(inbox.get_by_role("status")).to_have_text("You have this case. Go to the customer.")

    inbox.get_by_label("Coupon", exact=True).check()
    inbox.get_by_label("Amount of the refund or coupon").fill("5")
    inbox.locator("#resolve-note").fill("Sorry for the wait.")
    inbox.get_by_role("button", name="Record what was done").click()
    expect(inbox.locator("#case-status")).to_have_text("Resolved")
    expect(inbox.locator(".coupon-code")).to_have_count(1)
    found["case, resolved with a coupon"] = axe(inbox)

    inbox.get_by_label("Won back").check()
    inbox.get_by_role("button", name="Close the case").click()
    expect(inbox.locator("#case-status")).to_have_text("Closed")
    expect(inbox.locator(".timeline li")).to_have_count(
        6
    )  # raised, details, ack, resolved, coupon, closed
    found["case, closed"] = axe(inbox)

    alert = stored_alert(app)
    assert (alert.status, alert.remedy, alert.amount_cents) == (
        AlertStatus.CLOSED,
        Remedy.COUPON,
        500,
    )
    assert alert.outcome == Outcome.WON_BACK
    [coupon] = alert.coupons
    inbox.get_by_role("link", name=f"Print coupon {coupon.code}").click()
    expect(inbox.locator(".coupon svg.qr")).to_be_visible()
    found["coupon"] = axe(inbox)
    assert {screen: violations for screen, violations in found.items() if violations} == {}


def test_filters_swap_the_list_without_reloading_the_page(app, inbox, tablet, axe):
    sad_tap(tablet)
    expect(inbox.locator("#inbox-list [data-alert-id]")).to_have_count(1, timeout=GENEROUS_BOUND_MS)
    inbox.evaluate("window.__samePage = true")
    inbox.get_by_label("Status").select_option("closed")
    expect(inbox.locator("#inbox-list")).to_contain_text("No alerts match this filter.")
    inbox.get_by_label("Status").select_option("new")
    expect(inbox.locator("#inbox-list [data-alert-id]")).to_have_count(1)
    assert inbox.evaluate("window.__samePage") is True
    assert axe(inbox) == []


def forget_presence(app) -> None:
    """Age every inbox's last report past the limit, as if it had stopped long ago."""
    with app.app_context():
        db.session.execute(update(InboxPresence).values(seen_at=utcnow() - PRESENCE_TTL))
        db.session.commit()


def promise_after_a_sad_tap(tablet) -> bool:
    """Tap, skip the follow-up, and tell whether the thanks promised a manager."""
    sad_tap(tablet)
    tablet.locator("form.follow-up button[type=submit]").click()
    expect(tablet.locator(".thanks")).to_be_visible()
    promised = tablet.locator(".manager-coming").count() == 1
    tablet.goto(tablet.url)  # the next customer
    return promised


def test_the_promise_lasts_while_the_inbox_is_open_and_ends_when_it_closes(
    app, inbox, tablet, live_server, axe
):
    forget_presence(app)
    fresh = utcnow() - PRESENCE_TTL + timedelta(seconds=1)

    def reported_in() -> bool:
        seen_at = db.session.scalar(select(InboxPresence.seen_at))
        db.session.rollback()  # end the read: it would hold back the server's write
        return seen_at > fresh

    with app.app_context():  # the open page reports in again by itself
        wait_until(reported_in, seconds=3 * HEARTBEAT_SECONDS, what="the inbox's heartbeat")
    assert promise_after_a_sad_tap(tablet)

    inbox.goto(f"{live_server}/admin/coupons/redeem")  # the inbox is closed
    assert axe(inbox) == []
    forget_presence(app)
    assert not promise_after_a_sad_tap(tablet)
