// The inbox's alarm: for each new alert the feed reports, a chime, a browser notification
// and a line for screen readers; and "5 minutes ago" kept current. Notifications are asked
// for only when the manager clicks the button, which also lets the page play sound.
(function () {
  "use strict";
  var announced = {};

  function chime() {
    var audio = document.getElementById("alert-sound");
    if (!audio) { return; }
    audio.currentTime = 0;
    var playing = audio.play();
    if (playing && playing.catch) {
      playing.catch(function () { /* no click on this page yet: the browser keeps quiet */ });
    }
  }

  function notify(item) {
    if (!("Notification" in window) || Notification.permission !== "granted") { return; }
    try {
      var note = new Notification(item.dataset.title, { body: item.dataset.body, tag: "alert-" + item.dataset.alertId });
      note.addEventListener("click", function () { window.focus(); window.location.href = item.dataset.href; });
    } catch (error) { /* some phones notify only through a service worker; the chime remains */ }
  }

  function announceFresh() {
    var fresh = false;
    document.querySelectorAll("#inbox-announce [data-alert-id]").forEach(function (item) {
      if (announced[item.dataset.alertId]) { return; }
      announced[item.dataset.alertId] = true;
      fresh = true;
      notify(item);
    });
    if (fresh) { chime(); }
  }

  function showAlertsOn(button) {
    button.setAttribute("aria-pressed", "true");
    var blocked = "Notification" in window && Notification.permission === "denied";
    button.textContent = blocked ? button.dataset.blockedLabel : button.dataset.onLabel;
  }

  function turnAlertsOn(button) {
    // This click is the gesture browsers require before a page may play sound or ask.
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().then(function () { showAlertsOn(button); });
    }
    showAlertsOn(button);
  }

  var units = [["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];

  function refreshTimes() {
    var format = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" });
    document.querySelectorAll("time[data-relative]").forEach(function (element) {
      var seconds = (Date.parse(element.getAttribute("datetime")) - Date.now()) / 1000;
      for (var i = 0; i < units.length; i++) {
        if (Math.abs(seconds) >= units[i][1] || units[i][0] === "second") {
          element.textContent = format.format(Math.round(seconds / units[i][1]), units[i][0]);
          return;
        }
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-enable-alerts]");
    if (button) { turnAlertsOn(button); }
  });
  document.addEventListener("htmx:after:swap", announceFresh);
  setInterval(refreshTimes, 30000);
})();
