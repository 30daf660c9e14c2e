// The admin's service worker: it shows a pushed alert and answers the notification's buttons.
// The payload was encrypted for this device by the server (RFC 8291); the browser decrypts it.
"use strict";

self.addEventListener("push", (event) => {
  let alert;
  try {
    alert = event.data.json();
  } catch (error) {
    return;
  }
  const options = {
    body: alert.body,
    tag: alert.tag,
    renotify: true,
    requireInteraction: true,
    data: alert,
    actions: alert.ack ? [{ action: "ack", title: alert.ack.label }] : [],
  };
  event.waitUntil(self.registration.showNotification(alert.title, options));
});

async function openCase(url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).pathname === url && "focus" in client) return client.focus();
  }
  return self.clients.openWindow(url);
}

async function acknowledge(alert) {
  const body = new URLSearchParams({ token: alert.ack.token });
  try {
    const response = await fetch(alert.ack.url, { method: "POST", body, credentials: "same-origin" });
    if (response.ok) return;
  } catch (error) {
    // offline or signed out: the case page says what to do
  }
  await openCase(alert.url);
}

self.addEventListener("notificationclick", (event) => {
  const alert = event.notification.data || {};
  event.notification.close();
  if (event.action === "ack" && alert.ack) {
    event.waitUntil(acknowledge(alert));
  } else if (alert.url) {
    event.waitUntil(openCase(alert.url));
  }
});
