"""The kiosk without a network, in a real Chromium: the service worker serves its screens,
the outbox in IndexedDB keeps every answer through a reload and a browser restart, and sends
each one exactly once when the network returns, even when a reply was lost on the way."""

import shutil
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Alert, Location, Response, utcnow
from tests.browser.conftest import (
    CHROMIUM_ARGS,
    CSP_LISTENER,
    EXPECT_TIMEOUT_MS,
    TABLET,
    BrowserProblems,
)
from tests.browser.test_kiosk import configure_location, expect_start_screen, face, pair
from tests.conftest import TEST_DATABASE_URL
from tests.waiting import wait_until

expect = pytest.importorskip("playwright.sync_api").expect

SYNC_DEADLINE_S = 60  # the promise: every queued answer stored within a minute
RESET_WAIT_MS = 8_000
OFFLINE_NOISE = ("net::ERR_INTERNET_DISCONNECTED", "Failed to fetch")


def launch_tablet(
    browser, profile, problems: BrowserProblems, offline: bool = False, workers: str = "allow"
):
    """A Chromium with a profile on disk, as a tablet's browser keeps between restarts."""
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=shutil.which("chromium"),
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=TABLET,
        locale="en-US",
        service_workers=workers,
        offline=offline,
    )
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    context.expose_function("__reportCspViolation", lambda text: problems.add(f"csp: {text}"))
    context.add_init_script(CSP_LISTENER)
    context.on(
        "console",
        lambda message: message.type == "error" and problems.add(f"console: {message.text}"),
    )
    # A new page, not the window the browser opened with: only pages Playwright creates are
    # sure to be offline from their first request.
    page = context.new_page()
    for first_window in context.pages[:-1]:
        first_window.close()
    page.on("pageerror", lambda error: problems.add(f"pageerror: {error}"))
    return context, page


def wait_until_offline_ready(page) -> None:
    """The service worker controls the page and has the release's files in its cache (it
    precaches them before it activates); fails after the page's timeout, never hangs."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def waiting_count(page) -> int:
    """How many answers the tablet's outbox holds, as the offline mark says."""
    return int(page.locator("#kiosk-status").get_attribute("data-pending") or 0)


def expect_waiting(page, count: int) -> None:
    """The discreet offline mark is up and counts the answers that wait."""
    status = page.locator("#kiosk-status")
    expect(status).to_be_visible()
    expect(status).to_have_attribute("data-pending", str(count))
    expect(status).to_contain_text(f"Waiting to send: {count}")


def stored_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def wait_for_rows(app, count: int, deadline_s: float = SYNC_DEADLINE_S) -> None:
    """Poll the database until it holds `count` responses, failing after the deadline."""
    wait_until(lambda: stored_count(app) >= count, deadline_s, f"{count} stored responses")
    assert stored_count(app) == count


def answer(page, demo, rating: int) -> None:
    """One customer: a tap, the follow-up or praise screen if any, then the thanks."""
    face(page, rating).click()
    if rating <= 2:
        expect(page.locator("form.follow-up")).to_be_visible()
        page.locator(f"input[name=q{demo.question_ids['topics']}][value=waiting]").check()
        page.locator("form.follow-up button[type=submit]").click()
    elif rating >= 4:
        expect(page.locator("form.praise")).to_be_visible()
        page.get_by_role("button", name="Skip").click()
    expect(page.locator(".thanks")).to_be_visible()
    expect_start_screen(page, timeout=RESET_WAIT_MS)


@pytest.fixture
def quick_tablet_settings(app):
    """Short thanks and idle times, no misuse interval."""
    configure_location(
        app, thank_you_seconds=1, idle_timeout_seconds=3, response_interval_seconds=0
    )


def test_offline_taps_survive_reload_and_restart_and_arrive_once(
    app, demo, live_server, browser, tmp_path, browser_problems, quick_tablet_settings
):
    """Ten customers while the Wi-Fi is down, a reload and a browser restart in between;
    then the network returns and all ten answers are stored once, with their own times."""
    for noise in OFFLINE_NOISE:
        browser_problems.allow(noise)
    profile = tmp_path / "tablet-profile"
    context, page = launch_tablet(browser, profile, browser_problems)
    pair(page, live_server, demo.pairing_code)
    wait_until_offline_ready(page)

    context.set_offline(True)
    for rating in (3, 1, 5, 4):
        answer(page, demo, rating)
    expect_waiting(page, 4)
    page.reload()
    expect_start_screen(page)
    for rating in (2, 3, 3):
        answer(page, demo, rating)
    expect_waiting(page, 7)
    context.close()

    context, page = launch_tablet(browser, profile, browser_problems, offline=True)
    page.goto(f"{live_server}/kiosk/")
    expect_start_screen(page)
    for rating in (5, 1, 3):
        answer(page, demo, rating)
    expect_waiting(page, 10)
    # Chromium does not apply Playwright's offline emulation to a service worker that the
    # restarted browser wakes from its profile, so that worker may deliver early; what a shop
    # needs is that all ten arrive, once each.
    early = {r.uuid for r in _all(app)}

    back_online = utcnow()
    context.set_offline(False)
    wait_for_rows(app, 10)
    expect(page.locator("#kiosk-status")).to_be_hidden()
    context.close()

    with app.app_context():
        responses = db.session.scalars(select(Response)).all()
        assert len({r.uuid for r in responses}) == 10
        assert sorted(r.rating for r in responses) == [1, 1, 2, 3, 3, 3, 3, 4, 5, 5]
        assert all(r.captured_at < r.received_at for r in responses)
        assert all(back_online <= r.received_at for r in responses if r.uuid not in early)
        assert sum(1 for r in responses if r.follow_up == "given") == 6
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 3


def test_without_a_service_worker_the_kiosk_resets_in_place_while_offline(
    app, demo, live_server, browser, tmp_path, browser_problems, quick_tablet_settings
):
    """Plain http on a LAN has no service worker: the answers still wait in the outbox and
    the start screen comes back in place of the browser's error page."""
    for noise in OFFLINE_NOISE:
        browser_problems.allow(noise)
    context, page = launch_tablet(browser, tmp_path / "p", browser_problems, workers="block")
    pair(page, live_server, demo.pairing_code)
    context.set_offline(True)
    for rating in (3, 1, 5):
        answer(page, demo, rating)
    expect_waiting(page, 3)
    expect(page).to_have_url(f"{live_server}/kiosk/")
    context.set_offline(False)
    wait_for_rows(app, 3)
    context.close()


def test_the_misuse_filter_works_offline_on_the_tablet(
    app, demo, live_server, browser, tmp_path, browser_problems
):
    """Two unhappy taps within the response interval, offline: only the first promises a
    manager, and the server, once reached, flags the second the same way."""
    for noise in OFFLINE_NOISE:
        browser_problems.allow(noise)
    configure_location(
        app,
        thank_you_seconds=1,
        idle_timeout_seconds=3,
        response_interval_seconds=120,
        manager_on_duty=True,
    )
    context, page = launch_tablet(browser, tmp_path / "profile", browser_problems)
    pair(page, live_server, demo.pairing_code)
    wait_until_offline_ready(page)
    context.set_offline(True)

    face(page, 1).click()
    page.locator("form.follow-up button[type=submit]").click()
    expect(page.locator(".manager-coming")).to_be_visible()
    expect_start_screen(page, timeout=RESET_WAIT_MS)
    face(page, 1).click()
    page.locator("form.follow-up button[type=submit]").click()
    expect(page.locator(".thanks")).to_be_visible()
    expect(page.locator(".manager-coming")).to_have_count(0)

    context.set_offline(False)
    wait_for_rows(app, 2)
    context.close()
    with app.app_context():
        flags = db.session.scalars(select(Response.suspected_misuse).order_by(Response.id))
        assert list(flags) == [False, True]
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


def test_a_lost_reply_is_resent_and_stores_nothing_new(
    app, demo, live_server, page, browser_problems, quick_tablet_settings
):
    """The server stores a tap but its reply never reaches the tablet; the tablet shows the
    thanks anyway, sends the tap again, and the server recognises it."""
    browser_problems.allow("net::ERR_FAILED")
    pair(page, live_server, demo.pairing_code)
    wait_until_offline_ready(page)
    deliveries = []

    def lose_the_first_reply(route):
        deliveries.append(route.request.post_data)
        if len(deliveries) == 1:
            route.fetch()  # the server stores the tap...
            route.abort()  # ...and the tablet never hears back
        else:
            route.continue_()

    page.route("**/kiosk/responses", lose_the_first_reply)
    face(page, 3).click()
    expect(page.locator(".thanks")).to_be_visible()
    assert stored_count(app) == 1
    wait_until(
        lambda: len(deliveries) >= 2,
        SYNC_DEADLINE_S,
        "a resend of the lost reply",
        pause=lambda seconds: page.wait_for_timeout(seconds * 1000),  # serves the route
    )
    expect_start_screen(page, timeout=RESET_WAIT_MS)
    expect(page.locator("#kiosk-status")).to_have_attribute("data-pending", "0")
    # Resent at least once (under load a slow reply may be resent twice), always the same
    # answer, and stored once.
    assert len(deliveries) >= 2 and all(body == deliveries[0] for body in deliveries)
    assert stored_count(app) == 1


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's write lock")
def test_a_tap_while_the_database_is_locked_is_kept_and_sent_once_it_is_free(
    app, database_uri, demo, live_server, page, browser_problems, quick_tablet_settings
):
    """Another writer holds SQLite's lock past the busy timeout: the server answers 503 with
    Retry-After, the customer is thanked all the same, the tablet keeps the tap and sends it
    again once the lock is gone, and it is stored once."""
    browser_problems.allow("503")
    pair(page, live_server, demo.pairing_code)
    wait_until_offline_ready(page)
    answers = []
    page.on("response", lambda r: r.url.endswith("/kiosk/responses") and answers.append(r))
    other_writer = sqlite3.connect(database_uri.removeprefix("sqlite:///"), isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        face(page, 3).click()
        expect(page.locator(".thanks")).to_be_visible()
        wait_until(
            lambda: answers,
            SYNC_DEADLINE_S,
            "the server's answer to the tap",
            pause=lambda seconds: page.wait_for_timeout(seconds * 1000),
        )
        assert answers[0].status == 503 and int(answers[0].headers["retry-after"]) >= 1
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert stored_count(app) == 0
    wait_for_rows(app, 1)
    expect(page.locator("#kiosk-status")).to_have_attribute("data-pending", "0")
    assert [answer.status for answer in answers][-1] == 200
    assert stored_count(app) == 1


def test_a_new_release_takes_over_between_customers(
    app, demo, live_server, page, quick_tablet_settings
):
    """A new release of the kiosk's files is picked up without clearing any cache: the new
    service worker precaches it, takes over at the next reset, and the old cache is gone."""
    pair(page, live_server, demo.pairing_code)
    wait_until_offline_ready(page)
    old_version = page.locator("body").get_attribute("data-app-version")
    app.config["KIOSK_VERSION"] = "a-new-release"
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_function(
        "navigator.serviceWorker.getRegistration().then((r) => r && r.waiting !== null)"
    )
    assert page.locator("body").get_attribute("data-app-version") == old_version

    face(page, 3).click()
    expect(page.locator(".thanks")).to_be_visible()
    expect_start_screen(page, timeout=RESET_WAIT_MS)
    expect(page.locator("body")).to_have_attribute("data-app-version", "a-new-release")
    caches = page.evaluate("caches.keys()")
    assert caches == ["counterpulse-kiosk-a-new-release"]
    scripts = page.locator("script[src]").evaluate_all("(all) => all.map((s) => s.src)")
    assert all(src.endswith("?v=a-new-release") for src in scripts)


def test_leaving_kiosk_mode_needs_the_pin(app, demo, live_server, page, browser_problems):
    """A long press in the corner opens the PIN pad; a wrong PIN stays, the right one leaves."""
    from surveys.places.kiosk_exit import set_exit_pin

    browser_problems.allow("status of 422")
    with app.app_context():
        set_exit_pin(db.session.get(Location, demo.location_id), "2468")
        db.session.commit()
    pair(page, live_server, demo.pairing_code)
    dialog = page.locator("#kiosk-exit")
    expect(dialog).to_be_hidden()
    page.locator(".kiosk-exit-corner").click()  # a short tap does nothing
    expect(dialog).to_be_hidden()

    page.mouse.move(10, 10)
    page.mouse.down()
    expect(dialog).to_be_visible()  # opens while the corner is still held
    page.mouse.up()
    for digit in "1111":
        dialog.locator(f"button[data-digit='{digit}']").click()
    dialog.get_by_role("button", name="Leave").click()
    expect(dialog.get_by_role("alert")).to_have_text("That PIN is not right.")
    for digit in "2468":
        dialog.locator(f"button[data-digit='{digit}']").click()
    dialog.get_by_role("button", name="Leave").click()
    expect(page).to_have_url(f"{live_server}/kiosk/exited")
    expect(page.get_by_role("heading", name="Kiosk mode ended")).to_be_visible()


def test_the_tablet_reports_its_health(app, demo, live_server, page):
    """The first heartbeat after the start screen stores the version and an empty outbox."""
    pair(page, live_server, demo.pairing_code)
    version = page.locator("body").get_attribute("data-app-version")
    with app.app_context():
        from surveys.models import Device

        def heard_from() -> bool:
            heard_at = db.session.scalars(select(Device)).one().last_heartbeat_at
            db.session.rollback()  # end the read: it would hold back the server's write
            return heard_at is not None

        wait_until(heard_from, seconds=10, what="the first heartbeat")
        device = db.session.scalars(select(Device)).one()
        assert device.app_version == version
        assert device.queue_length == 0
        assert abs(device.clock_skew_seconds) <= 2
        assert utcnow() - device.last_heartbeat_at < timedelta(minutes=1)


def _all(app):
    with app.app_context():
        return db.session.scalars(select(Response)).all()
