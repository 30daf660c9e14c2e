// The inbox's feed: asks for the feed partial (#inbox-feed's hx-get) when the server says
// something changed (an EventSource on data-stream-url, when Redis carries the signal), or
// every data-poll-ms without a stream or while it is broken. A hidden tab closes its stream
// and polls every data-hidden-poll-ms (so the chime still comes); shown again, it checks at
// once. One request at a time: a signal during a request asks again when it ends.
(function () {
  "use strict";
  var STREAM_AGAIN_MS = 60000;
  var source = null, sourceUrl = null, failedUrl = null, streaming = false;
  var REQUEST_GIVEN_UP_MS = 10000, RETRY_DROPPED_MS = 100;
  var timer = null, requesting = null, started = false, pending = false;

  function feed() { return document.getElementById("inbox-feed"); }
  function hidden() { return document.visibilityState === "hidden"; }

  function check() {
    var element = feed();
    if (!element) { return; }
    if (requesting && document.contains(requesting)) {
      pending = true;
      return;
    }
    pending = false;
    requesting = element;
    started = false;
    element.dispatchEvent(new CustomEvent("inbox-check"));
    // htmx drops a trigger while it still winds up the last request (hx-sync): try again.
    setTimeout(function () {
      if (requesting === element && !started) { requesting = null; check(); }
    }, RETRY_DROPPED_MS);
    // Should htmx never report on it (lost with its element), ask again later.
    setTimeout(function () { if (requesting === element) { requestEnded(); } }, REQUEST_GIVEN_UP_MS);
  }

  function closeStream() {
    if (source) { source.close(); }
    source = null; sourceUrl = null; streaming = false;
  }

  function schedule() {
    clearTimeout(timer);
    timer = null;
    var element = feed();
    if (!element || streaming) { return; }
    var wait = Number(hidden() ? element.dataset.hiddenPollMs : element.dataset.pollMs);
    timer = setTimeout(function () { check(); schedule(); }, wait);
  }

  function openStream(url) {
    closeStream();
    sourceUrl = url;
    source = new EventSource(url);
    source.addEventListener("open", function () {
      streaming = true;
      schedule();
      check();  // catch up on what changed while no stream was listening
    });
    source.addEventListener("changed", check);
    source.addEventListener("bye", function () { openStream(url); });  // planned end
    source.addEventListener("error", function () {
      streaming = false;
      if (source && source.readyState === EventSource.CLOSED) {
        failedUrl = url;  // refused (204, 503): poll, and try the stream again in a while
        closeStream();
        setTimeout(function () { failedUrl = null; sync(); }, STREAM_AGAIN_MS);
      }
      schedule();  // poll while the browser reconnects
    });
  }

  function sync() {
    var element = feed();
    var url = element && element.dataset.streamUrl;
    if (!url || hidden() || url === failedUrl) {
      closeStream();
    } else if (url !== sourceUrl) {
      openStream(url);
    }
    schedule();
  }

  function isFeed(event) { return event.target && event.target.id === "inbox-feed"; }

  // The feed's element is replaced by its answer, so a request has ended when htmx says so
  // or when its element has left the page.
  function requestEnded() {
    requesting = null;
    if (pending) { pending = false; setTimeout(check, 0); }
  }

  document.addEventListener("htmx:before:request", function (event) {
    if (isFeed(event)) { requesting = event.target; started = true; }
  });
  document.addEventListener("htmx:finally:request", function (event) {
    if (isFeed(event)) { requestEnded(); }
  });
  document.addEventListener("htmx:after:swap", function () {
    if (requesting && !document.contains(requesting)) { requestEnded(); }
    sync();
  });
  document.addEventListener("visibilitychange", function () {
    sync();
    if (!hidden()) { check(); }
  });
  sync();
})();
