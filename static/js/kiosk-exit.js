// Leaving kiosk mode: hold the corner for a few seconds to open the PIN pad. The server checks
// the PIN; the right one leaves for a plain page. Nothing else on the page leads out.
(function () {
  "use strict";
  var holdTimer = null;

  function dialog() { return document.getElementById("kiosk-exit"); }

  function pinInput() { return document.getElementById("kiosk-exit-pin"); }

  function open() {
    var pad = dialog();
    if (pad && !pad.open) { pad.showModal(); pinInput().focus(); }
  }

  function close() {
    var pad = dialog();
    if (pad && pad.open) { pinInput().value = ""; pad.close(); }
  }

  function startHold(event) {
    var corner = event.target.closest && event.target.closest(".kiosk-exit-corner");
    if (!corner) { return; }
    clearTimeout(holdTimer);
    holdTimer = setTimeout(open, Number(corner.dataset.holdSeconds) * 1000);
  }

  function stopHold() { clearTimeout(holdTimer); }

  document.addEventListener("pointerdown", startHold);
  ["pointerup", "pointerleave", "pointercancel"].forEach(function (name) {
    document.addEventListener(name, stopHold, true);
  });
  document.addEventListener("contextmenu", function (event) {
    // A long press would otherwise open the browser's menu, a way out of the kiosk.
    if (document.body.classList.contains("kiosk")) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".kiosk-exit button[type=button]");
    if (!button) { return; }
    if (button.dataset.digit) { pinInput().value += button.dataset.digit; }
    if (button.hasAttribute("data-pin-clear")) { pinInput().value = ""; }
    if (button.hasAttribute("data-exit-cancel")) { close(); }
  });
})();
