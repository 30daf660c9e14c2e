// The kiosk without a network: every tap and follow-up goes through the durable outbox.
// The screen that follows comes from the server when it answers in time, else from the
// screens the start page carries (server-rendered, with the survey's rules as data).
// Also: the service worker, the heartbeat and the discreet offline mark.
(function () {
  "use strict";
  var SERVER_WAIT_MS = 3000;
  var HEARTBEAT_MS = 60000;
  var queue = window.Counterpulse.queue;
  var screens = null;
  var lastTapAt = null;
  var lastTap = null;  // {responseId, managerComing} of this page's customer

  function readScreens() {
    var holder = document.getElementById("offline-screens");
    if (!holder) { return null; }
    var templates = {};
    holder.querySelectorAll("template[data-screen]").forEach(function (template) {
      templates[template.dataset.screen] = template.innerHTML;
    });
    return {
      outcomes: JSON.parse(holder.dataset.outcomes),
      intervalMs: Number(holder.dataset.responseInterval) * 1000,
      placeholder: holder.dataset.placeholderId,
      templates: templates
    };
  }

  function screenHtml(name, responseId) {
    var html = screens.templates[name] || screens.templates.thanks;
    return responseId ? html.split(screens.placeholder).join(responseId) : html;
  }

  // The screen the tablet shows on its own, decided as the server would decide it.
  function localScreen(url, fields) {
    if (fields.has("rating")) {
      var outcome = screens.outcomes[fields.get("rating")] || { negative: false, screen: "thanks" };
      var capturedAt = Date.parse(fields.get("captured_at")) || queue.now();
      // The misuse filter, as on the server: a press within the interval raises no alert.
      var misuse = lastTapAt !== null && Math.abs(capturedAt - lastTapAt) < screens.intervalMs;
      lastTapAt = capturedAt;
      queue.setMeta("lastTapAt", capturedAt).catch(function () { /* kept in memory */ });
      lastTap = { responseId: fields.get("response_id"), managerComing: outcome.negative && !misuse };
      var name = outcome.screen === "thanks" ? thanksFor(lastTap) : outcome.screen;
      return screenHtml(name, lastTap.responseId);
    }
    var own = lastTap && url.indexOf(lastTap.responseId) !== -1 ? lastTap : null;
    return screenHtml(thanksFor(own), null);
  }

  function thanksFor(tap) {
    return tap && tap.managerComing ? "thanks_manager" : "thanks";
  }

  function htmlResponse(html, status) {
    return new Response(html, { status: status, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }

  // htmx calls this instead of fetch for the kiosk's forms.
  function queuedFetch(url, init) {
    var body = String(init.body);
    var fields = new URLSearchParams(body);
    var local = localScreen(url, fields);
    var responseId = fields.get("response_id") || (url.match(/responses\/([0-9a-f-]{36})/) || [])[1];
    return queue.add(url, body, responseId).then(function (id) {
      queue.flush(true);
      return queue.waitFor(id, SERVER_WAIT_MS);
    }, function (error) {
      // No IndexedDB (a private window, a full disk): send it the plain way, and say so.
      queue.noteError("outbox unavailable: " + (error && error.message || error));
      return queue.post(url, body, init.headers).catch(function () { return null; });
    }).then(function (outcome) {
      return outcome && outcome.html ? htmlResponse(outcome.html, outcome.status) : htmlResponse(local, 200);
    });
  }

  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail.ctx;
    if (screens && ctx.request.method === "POST" && ctx.sourceElement.closest("[data-queued]")) {
      ctx.fetch = queuedFetch;
    }
  });

  function showStatus(state) {
    var mark = document.getElementById("kiosk-status");
    if (!mark) { return; }
    var offline = !navigator.onLine || state.failing;
    var text = mark.dataset.offlineLabel;
    if (state.pending) { text += " · " + mark.dataset.waitingLabel.replace("{count}", state.pending); }
    mark.textContent = text;
    mark.dataset.pending = String(state.pending);
    mark.hidden = !offline;
  }

  function battery() {
    if (!navigator.getBattery) { return Promise.resolve({}); }
    return navigator.getBattery().then(function (b) {
      return { battery_percent: String(Math.round(b.level * 100)), battery_charging: String(b.charging) };
    }, function () { return {}; });
  }

  function heartbeat() {
    var url = document.body.dataset.heartbeatUrl;
    if (!url) { return; }
    Promise.all([queue.count(), battery()]).then(function (values) {
      var fields = Object.assign({
        app_version: document.body.dataset.appVersion,
        queue_length: String(values[0]),
        clock_skew_seconds: String(Math.round(-queue.clockOffsetMs() / 1000)),
        last_error: queue.lastError()
      }, values[1]);
      return queue.post(url, new URLSearchParams(fields).toString());
    }).catch(function () { /* offline: the server notices the silence */ });
    if (navigator.serviceWorker && navigator.onLine) {
      navigator.serviceWorker.getRegistration().then(function (registration) {
        if (registration) { return registration.update(); }
      }).catch(function () { /* checked again next minute */ });
    }
  }

  function registerServiceWorker() {
    var url = document.body.dataset.serviceWorkerUrl;
    if (!url || !navigator.serviceWorker) { return; }
    navigator.serviceWorker.register(url, { updateViaCache: "none" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // Keep every language's start screen for offline use, not only the ones visited.
      var pages = [location.href];
      document.querySelectorAll("nav.languages a[href]").forEach(function (link) { pages.push(link.href); });
      registration.active.postMessage({ type: "keep", urls: pages });
    }).catch(function (error) {
      queue.noteError("service worker: " + (error && error.message || error));
    });
  }

  // Before a reset: a new release that is installed and waiting takes over between customers.
  function takeNewRelease() {
    if (!navigator.serviceWorker) { return Promise.resolve(); }
    return navigator.serviceWorker.getRegistration().then(function (registration) {
      if (!registration || !registration.waiting) { return; }
      return new Promise(function (resolve) {
        navigator.serviceWorker.addEventListener("controllerchange", resolve);
        registration.waiting.postMessage({ type: "take-over" });
        setTimeout(resolve, 3000);
      });
    }).catch(function () { /* the old release goes on */ });
  }

  // Whether a page load would fail: no service worker to answer it, and no network.
  function cannotReload() {
    var controlled = navigator.serviceWorker && navigator.serviceWorker.controller;
    return !controlled && (!navigator.onLine || queue.failing());
  }

  window.Counterpulse.offline = {
    takeNewRelease: takeNewRelease,
    cannotReload: cannotReload,
    forgetCustomer: function () { lastTap = null; }
  };

  document.addEventListener("DOMContentLoaded", function () {
    screens = readScreens();
    queue.getMeta("lastTapAt").then(function (value) { lastTapAt = value || null; }).catch(function () {});
    queue.onChange(function (state) {
      showStatus(state);
      if (state.sent) { heartbeat(); }
    });
    ["online", "offline"].forEach(function (name) {
      window.addEventListener(name, function () { queue.flush(true); });
    });
    registerServiceWorker();
    queue.ready.then(function () { queue.flush(true); heartbeat(); });
    setInterval(heartbeat, HEARTBEAT_MS);
  });
})();
