"""Real-browser fixtures: one headless Chromium per session, a fresh tablet per test.

Every page reports console errors, uncaught exceptions and Content-Security-Policy
violations; a test that produced any fails at teardown. The pages keep the app's real CSP:
axe-core is injected through page.evaluate, which the CSP does not govern, so nothing here
needs bypass_csp.
"""

import shutil
from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).parent
AXE_PATH = BROWSER_DIR / "vendor" / "axe-core-4.14.1.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
EXPECT_TIMEOUT_MS = 10_000

# Reports every CSP violation to Python, even one the console would not show.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} in ${event.sourceFile}`
  );
});
"""

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def pytest_collection_modifyitems(items):
    """Mark every test in this folder as a browser test."""
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; skipped when Chromium is not installed."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium is not on PATH")
    sync_api.expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class BrowserProblems:
    """Console errors, page errors and CSP violations seen by one test's page."""

    def __init__(self):
        self.seen: list[str] = []
        self.allowed: list[str] = []

    def add(self, message: str) -> None:
        """Record one problem."""
        self.seen.append(message)

    def allow(self, fragment: str) -> None:
        """Accept problems containing this text, e.g. the status line of an expected 403."""
        self.allowed.append(fragment)

    def unexpected(self) -> list[str]:
        """The problems no test allowed."""
        return [p for p in self.seen if not any(a in p for a in self.allowed)]


@pytest.fixture
def browser_problems():
    """What went wrong in the page; must be empty when the test ends."""
    return BrowserProblems()


def _on_console(problems: BrowserProblems, message) -> None:
    """Record console errors, with where they came from."""
    if message.type == "error":
        problems.add(f"console: {message.text} at {message.location.get('url')}")


@pytest.fixture
def page(browser, browser_problems, live_server):
    """A fresh tablet-sized context and page that fails the test on any browser problem.

    It closes before the live server stops: the kiosk's heartbeat and service worker may
    still be talking to the server when a test ends."""
    yield from watched_page(browser, browser_problems, viewport=TABLET, locale="en-US")


def phone_page(browser, problems: BrowserProblems, locale: str, **context_options):
    """A 390 x 844 touch phone whose browser asks for `locale`, watched like any page."""
    yield from watched_page(
        browser,
        problems,
        viewport=PHONE,
        locale=locale,
        is_mobile=True,
        has_touch=True,
        **context_options,
    )


@pytest.fixture
def english_phone(browser, browser_problems):
    """A phone whose browser is set to English."""
    yield from phone_page(browser, browser_problems, "en-US")


def watched_page(browser, problems: BrowserProblems, **context_options):
    """A page in a fresh context that collects console errors, page errors and CSP
    violations, and fails the test at teardown if any was not expected."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    context.expose_function("__reportCspViolation", lambda text: problems.add(f"csp: {text}"))
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.on("console", lambda message: _on_console(problems, message))
    tab.on("pageerror", lambda error: problems.add(f"pageerror: {error}"))
    yield tab
    context.close()
    assert problems.unexpected() == []


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The vendored axe-core, read once."""
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """A function that runs axe-core on a page and returns its violations."""

    def run(tab) -> list[dict]:
        """Inject axe-core unless present, then run it on the whole document."""
        if not tab.evaluate("typeof window.axe === 'object'"):
            tab.evaluate(axe_source + "\n;undefined")
        return tab.evaluate(AXE_RUN)

    return run
