// Web Push on this device: whether it is on, turning it on (the browser asks its permission
// only then) and off. The server keeps one subscription per device (/me/push-subscriptions).

import { api } from "./api.js";

/** "unsupported", "denied" (the browser blocks notifications), "on" or "off". */
export async function pushState() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  const subscription = await currentSubscription();
  return subscription && Notification.permission === "granted" ? "on" : "off";
}

/** Ask the permission, subscribe with the server's VAPID key and hand the subscription over. */
export async function turnPushOn() {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return pushState();
  const registration = await navigator.serviceWorker.ready;
  const { public_key: key } = await api("/push/key");
  const subscription =
    (await registration.pushManager.getSubscription()) ||
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: bytesOf(key),
    }));
  await api("/me/push-subscriptions", { method: "POST", json: subscription.toJSON() });
  return "on";
}

/** Forget this device on the server, then in the browser. */
export async function turnPushOff() {
  const subscription = await currentSubscription();
  if (!subscription) return pushState();
  const { items } = await api("/me/push-subscriptions");
  const mine = items.find((item) => item.endpoint === subscription.endpoint);
  if (mine) await api(`/me/push-subscriptions/${mine.id}`, { method: "DELETE" });
  await subscription.unsubscribe();
  return pushState();
}

/** End this browser's subscription without asking the server (logging out). */
export async function unsubscribeThisDevice() {
  const subscription = await currentSubscription();
  if (subscription) await subscription.unsubscribe();
}

async function currentSubscription() {
  const registration = await navigator.serviceWorker.getRegistration("/");
  return registration ? registration.pushManager.getSubscription() : null;
}

/** The bytes of an unpadded base64url string (an applicationServerKey). */
function bytesOf(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
