// The kiosk's service worker. self.KIOSK (written in above by the server) names the release
// and the files it precaches. One cache per release, filled completely before the worker
// installs and deleted when a newer one takes over, so old and new files never mix.
// Start screens: the network first, the cache when it fails. Kiosk files: the cache first.
// Posts (answers, heartbeats) are left alone: the page's outbox sends them.
"use strict";
var CACHE_PREFIX = "counterpulse-kiosk-";
var CACHE = CACHE_PREFIX + self.KIOSK.version;
var START_PATH = self.KIOSK.startPath;
var NETWORK_WAIT_MS = 4000;

function ownRelease(response) {
  return response.ok && response.headers.get("X-Kiosk-Version") === self.KIOSK.version;
}

// Fetch every file of the release; only when all arrived, and all of this release, keep them.
function precache() {
  return Promise.all(self.KIOSK.precache.map(function (url) {
    return fetch(new Request(url, { cache: "reload", credentials: "same-origin" })).then(function (response) {
      if (!ownRelease(response)) { throw new Error("not of release " + self.KIOSK.version + ": " + url); }
      return [url, response];
    });
  })).then(function (fetched) {
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(fetched.map(function (pair) { return cache.put(pair[0], pair[1]); }));
    });
  }).catch(function (error) {
    return caches.delete(CACHE).then(function () { throw error; });
  });
}

// Posts go straight to the network without waking this worker: the page's outbox owns them.
function postsBypassTheWorker(event) {
  if (!event.addRoutes) { return Promise.resolve(); }
  return Promise.resolve(event.addRoutes({ condition: { requestMethod: "POST" }, source: "network" }))
    .catch(function () { /* an older browser: the fetch handler lets posts through too */ });
}

self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([precache(), postsBypassTheWorker(event)]));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(CACHE_PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return cache.match(url, { ignoreVary: true }).then(function (cached) {
        if (cached) { return null; }
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (ownRelease(response)) { return cache.put(url, response); }
        });
      }).catch(function () { /* kept on the next visit */ });
    }));
  });
}

self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type === "take-over") { self.skipWaiting(); }
  if (message.type === "keep" && Array.isArray(message.urls)) {
    var own = message.urls.filter(function (url) { return isStartPage(new URL(url)); });
    event.waitUntil(keep(own));
  }
});

function isStartPage(url) {
  return url.origin === self.location.origin && url.pathname === START_PATH;
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("no answer in " + ms + " ms")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
                 function (error) { clearTimeout(timer); reject(error); });
  });
}

function cachedStartPage(cache, url) {
  return cache.match(url, { ignoreVary: true }).then(function (page) {
    return page || cache.match(START_PATH, { ignoreVary: true });
  }).then(function (page) { return page || Response.error(); });
}

function forgetStartPages(cache) {
  return cache.keys().then(function (requests) {
    return Promise.all(requests.filter(function (request) {
      return isStartPage(new URL(request.url));
    }).map(function (request) { return cache.delete(request); }));
  });
}

function startPage(request) {
  var url = request.url;
  return caches.open(CACHE).then(function (cache) {
    return withTimeout(fetch(request), NETWORK_WAIT_MS).then(function (response) {
      if (ownRelease(response)) {
        return cache.put(url, response.clone()).then(function () { return response; });
      }
      if (response.status === 403) {
        // Unpaired or revoked: the survey must not come back from the cache.
        return forgetStartPages(cache).then(function () { return response; });
      }
      if (response.status >= 500) { return cachedStartPage(cache, url); }
      if (response.ok) { self.registration.update(); }  // a newer release is live
      return response;
    }, function () { return cachedStartPage(cache, url); });
  });
}

function kioskFile(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (cached) {
      return cached || fetch(request);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (request.mode === "navigate") {
    if (isStartPage(url)) { event.respondWith(startPage(request)); }
    return;
  }
  if (url.origin === self.location.origin && url.searchParams.get("v") === self.KIOSK.version) {
    event.respondWith(kioskFile(request));
  }
});
