// Installs the admin's service worker, and on the account page turns push notifications on
// for this device: PushManager.subscribe with the server's VAPID key, then the subscription
// is posted to the server with the page's CSRF token.
"use strict";

(function () {
  if (!("serviceWorker" in navigator)) return;
  const registering = navigator.serviceWorker.register("/admin/sw.js", { scope: "/admin/" });

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function turnOn(button, status) {
    button.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") throw new Error(button.dataset.denied);
      const registration = await registering;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(button.dataset.vapidKey),
      });
      const label = document.getElementById("push-label").value;
      const response = await fetch(button.dataset.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": button.dataset.csrf },
        body: JSON.stringify(Object.assign(subscription.toJSON(), { label })),
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(button.dataset.failed);
      window.location.reload();
    } catch (error) {
      status.textContent = error.message || button.dataset.failed;
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("push-enable");
    const status = document.getElementById("push-status");
    if (!button || !status) return;
    if (!("PushManager" in window)) {
      status.textContent = button.dataset.unsupported;
      button.hidden = true;
      return;
    }
    button.addEventListener("click", () => turnOn(button, status));
  });
})();
