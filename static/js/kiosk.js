// The kiosk's clock: a fresh response id per customer, the tap's time, and the resets.
(function () {
  "use strict";
  var idleTimer = null;
  var startScreen = null;  // the start screen as the server sent it, for a reset with no network
  var thanksShownAt = null;
  // A double tap on Send must not dismiss the thanks it opens before it is read.
  var DISMISS_AFTER_MS = 600;

  function newUuid() {
    // crypto.randomUUID needs a secure context; a tablet on the shop's LAN may use plain http.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function reset() {
    // A new page load, replacing this one: nothing of this customer stays in the page or history.
    try { sessionStorage.clear(); localStorage.clear(); } catch (e) { /* storage may be off */ }
    var offline = window.Counterpulse && window.Counterpulse.offline;
    if (startScreen && offline && offline.cannotReload()) { resetInPage(offline); return; }
    var ready = offline ? offline.takeNewRelease() : Promise.resolve();
    ready.then(function () { location.replace(document.body.dataset.startUrl); });
  }

  // No service worker (plain http on a LAN, or not installed yet) and no network: a page load
  // would show the browser's error page, so the start screen comes back in place instead.
  function resetInPage(offline) {
    var screen = document.getElementById("screen");
    screen.innerHTML = startScreen;
    offline.forgetCustomer();
    if (window.htmx) { window.htmx.process(screen); }
    prepareScreen();
    announceScreen();
  }

  function armIdle(seconds) {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(reset, seconds * 1000);
  }

  function prepareScreen() {
    clearTimeout(idleTimer);
    var fresh = document.querySelector("[data-fresh-uuid]");
    if (fresh) { fresh.value = newUuid(); }
    var thanks = document.querySelector("[data-reset-after]");
    if (thanks) { armIdle(Number(thanks.dataset.resetAfter)); }
    var done = document.querySelector("#screen .thanks [data-dismiss]");
    thanksShownAt = done ? Date.now() : null;
    if (done) { done.hidden = false; }
    var form = document.querySelector("[data-idle-timeout]");
    if (form) { armIdle(Number(form.dataset.idleTimeout)); }
  }

  function onActivity() {
    var form = document.querySelector("[data-idle-timeout]");
    if (form) { armIdle(Number(form.dataset.idleTimeout)); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=rating]");
    if (button) {
      var stamp = button.form.querySelector("[name=captured_at]");
      // The tablet's clock, corrected by the offset seen at the last server contact.
      var queue = window.Counterpulse && window.Counterpulse.queue;
      if (stamp) { stamp.value = new Date(queue ? queue.now() : Date.now()).toISOString(); }
    }
  }, true);
  // The thank-you goes away at a tap anywhere but the staff's exit, instead of its seconds.
  document.addEventListener("click", function (event) {
    if (thanksShownAt === null || Date.now() - thanksShownAt < DISMISS_AFTER_MS) { return; }
    if (event.target.closest && event.target.closest("#kiosk-exit, .kiosk-exit-corner")) { return; }
    thanksShownAt = null;
    reset();
  });
  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, onActivity, true);
  });
  function announceScreen() {
    // The tapped button is gone after a swap; move focus to the new screen's heading so
    // screen readers announce it and keyboard users continue from there.
    var heading = document.querySelector("#screen h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  document.addEventListener("htmx:after:swap", function () { prepareScreen(); announceScreen(); });
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("#screen form.tap")) {
      startScreen = document.getElementById("screen").innerHTML;
    }
    prepareScreen();
  });
})();
