// The kiosk's durable outbox: every answer is written to IndexedDB first, then sent oldest
// first; it leaves the outbox only when the server confirms it (2xx, or 409: logged).
// Network errors and 5xx are retried with backoff (never sooner than a 503's Retry-After, as
// when the server's database is busy), at once when a new answer comes in or the network
// returns. Any other 4xx will never succeed: the entry moves to a "rejected" store.
(function () {
  "use strict";
  var DB_NAME = "counterpulse-kiosk";
  var BACKOFF_FIRST_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  var SEND_TIMEOUT_MS = 15000;
  var REJECTED_KEPT = 50;
  var RETRYABLE = [403, 408, 425, 429];  // 403: a revoked tablet keeps answers until re-paired

  var dbPromise = null;
  var waiters = {};
  var listeners = [];
  var flushing = false;
  var flushAgain = false;
  var retryTimer = null;
  var state = { clockOffsetMs: 0, lastError: "", failing: false };

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("outbox", { keyPath: "id", autoIncrement: true });
          db.createObjectStore("rejected", { keyPath: "id" });
          db.createObjectStore("meta");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  // One transaction; resolves with what `work` reported once the transaction is on disk.
  function transact(stores, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(stores, mode, { durability: "strict" });
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
        work(tx, function (value) { result = value; });
      });
    });
  }

  // `subject` names what the entry belongs to (a response): the count is of subjects.
  function add(url, body, subject) {
    var entry = { url: url, body: body, subject: subject, createdAt: Date.now(), attempts: 0, nextAttemptAt: 0 };
    return transact(["outbox"], "readwrite", function (tx, done) {
      tx.objectStore("outbox").add(entry).onsuccess = function (event) { done(event.target.result); };
    });
  }

  function oldest() {
    return transact(["outbox"], "readonly", function (tx, done) {
      tx.objectStore("outbox").openCursor().onsuccess = function (event) {
        var cursor = event.target.result;
        done(cursor ? cursor.value : null);
      };
    });
  }

  function count() {
    return transact(["outbox"], "readonly", function (tx, done) {
      tx.objectStore("outbox").getAll().onsuccess = function (event) {
        var subjects = new Set(event.target.result.map(function (entry) { return entry.subject || entry.id; }));
        done(subjects.size);
      };
    });
  }

  function remove(entry) {
    return transact(["outbox"], "readwrite", function (tx) { tx.objectStore("outbox").delete(entry.id); });
  }

  function reject(entry, status) {
    return transact(["outbox", "rejected"], "readwrite", function (tx) {
      tx.objectStore("outbox").delete(entry.id);
      var rejected = tx.objectStore("rejected");
      rejected.put(Object.assign({}, entry, { status: status, rejectedAt: Date.now() }));
      rejected.getAllKeys().onsuccess = function (event) {
        event.target.result.slice(0, -REJECTED_KEPT).forEach(function (key) { rejected.delete(key); });
      };
    });
  }

  function save(entry) {
    return transact(["outbox"], "readwrite", function (tx) { tx.objectStore("outbox").put(entry); });
  }

  function getMeta(key) {
    return transact(["meta"], "readonly", function (tx, done) {
      tx.objectStore("meta").get(key).onsuccess = function (event) { done(event.target.result); };
    });
  }

  function setMeta(key, value) {
    return transact(["meta"], "readwrite", function (tx) { tx.objectStore("meta").put(value, key); });
  }

  function noteError(message) {
    state.lastError = new Date(now()).toISOString() + " " + message;
    setMeta("lastError", state.lastError).catch(function () { /* the next error will say */ });
  }

  // The server's clock, from its X-Server-Time header, taken at the middle of the round trip.
  function noteServerTime(response, sentAt, receivedAt) {
    var serverTime = Number(response.headers.get("X-Server-Time"));
    if (!serverTime) { return; }
    state.clockOffsetMs = Math.round(serverTime - (sentAt + receivedAt) / 2);
    setMeta("clockOffsetMs", state.clockOffsetMs).catch(function () { /* kept in memory */ });
  }

  function now() { return Date.now() + state.clockOffsetMs; }

  function post(url, body, headers) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    var sentAt = Date.now();
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
      headers: Object.assign({ "Content-Type": "application/x-www-form-urlencoded" }, headers || {})
    }).then(function (response) {
      noteServerTime(response, sentAt, Date.now());
      var retryAfterS = Number(response.headers.get("Retry-After")) || 0;
      return response.text().then(function (html) {
        return { status: response.status, html: html, retryAfterMs: retryAfterS * 1000 };
      });
    }).finally(function () { clearTimeout(timer); });
  }

  function settle(id, outcome) {
    var waiter = waiters[id];
    if (waiter) { delete waiters[id]; waiter(outcome); }
  }

  function settleAll() {
    Object.keys(waiters).forEach(function (id) { settle(id, null); });
  }

  function backOff(entry, message, notBeforeMs) {
    entry.attempts += 1;
    var delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, entry.attempts - 1));
    entry.nextAttemptAt = Date.now() + Math.max(delay * (0.5 + Math.random() / 2), notBeforeMs || 0);
    state.failing = true;
    noteError(message);
    settleAll();  // whoever waits behind this entry would wait in vain
    return save(entry).then(function () { schedule(entry.nextAttemptAt - Date.now()); });
  }

  function schedule(delay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { flush(false); }, Math.max(0, delay));
  }

  // Send the oldest entry; true when it left the outbox and the next one may go.
  function sendOldest(force) {
    return oldest().then(function (entry) {
      if (!entry) { state.failing = false; return false; }
      if (!force && entry.nextAttemptAt > Date.now()) { schedule(entry.nextAttemptAt - Date.now()); return false; }
      return post(entry.url, entry.body, { "HX-Request": "true", "HX-Request-Type": "partial" })
        .then(function (outcome) { return confirmOrRetry(entry, outcome); },
              function (error) { return backOff(entry, "send failed: " + (error && error.message || error)).then(function () { return false; }); });
    });
  }

  function confirmOrRetry(entry, outcome) {
    var status = outcome.status;
    var confirmed = (status >= 200 && status < 300) || status === 409;
    var refused = status >= 400 && status < 500 && !confirmed && RETRYABLE.indexOf(status) === -1;
    if (!confirmed && !refused) {
      var notBefore = Math.min(outcome.retryAfterMs || 0, BACKOFF_MAX_MS);
      return backOff(entry, "HTTP " + status + " for " + entry.url, notBefore).then(function () { return false; });
    }
    if (status === 409) { noteError("409: already recorded differently: " + entry.url); }
    // A refusal the customer saw (a 422 with the form's errors) is no fault of the tablet.
    if (refused && !waiters[entry.id]) { noteError("HTTP " + status + ", kept aside: " + entry.url); }
    state.failing = false;
    var done = refused ? reject(entry, status) : remove(entry);
    return done.then(function () { settle(entry.id, outcome); return true; });
  }

  // Send everything that waits, oldest first; `force` ignores the backoff once.
  function flush(force) {
    if (flushing) { flushAgain = flushAgain || force; return; }
    flushing = true;
    clearTimeout(retryTimer);
    var sentAny = false;
    var loop = function (first) {
      return sendOldest(first && force).then(function (sent) {
        sentAny = sentAny || sent;
        return sent ? loop(false) : null;
      });
    };
    loop(true).catch(function (error) {
      noteError("outbox: " + (error && error.message || error));
      settleAll();
    }).finally(function () {
      flushing = false;
      notify(sentAny);
      if (flushAgain) { var again = flushAgain; flushAgain = false; flush(again); }
    });
  }

  function notify(sent) {
    count().then(function (pending) {
      listeners.forEach(function (listener) { listener({ pending: pending, failing: state.failing, sent: sent }); });
    }).catch(function () { /* nothing to tell */ });
  }

  // Wait for the server's answer to one entry; null when it cannot come within `ms`.
  function waitFor(id, ms) {
    return new Promise(function (resolve) {
      waiters[id] = resolve;
      setTimeout(function () { settle(id, null); }, ms);
    });
  }

  var ready = Promise.all([getMeta("clockOffsetMs"), getMeta("lastError")]).then(function (values) {
    state.clockOffsetMs = values[0] || 0;
    state.lastError = values[1] || "";
  }).catch(function () { /* IndexedDB unavailable: the page still works online */ });

  window.addEventListener("online", function () { flush(true); });

  window.Counterpulse = window.Counterpulse || {};
  window.Counterpulse.queue = {
    ready: ready,
    add: add,
    flush: flush,
    waitFor: waitFor,
    count: count,
    post: post,
    getMeta: getMeta,
    setMeta: setMeta,
    noteError: noteError,
    lastError: function () { return state.lastError; },
    failing: function () { return state.failing; },
    clockOffsetMs: function () { return state.clockOffsetMs; },
    now: now,
    onChange: function (listener) { listeners.push(listener); }
  };
})();
