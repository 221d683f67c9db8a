// The unread-notifications count behind the menu badge, polled while logged in.

import { api } from "./api.js";

const POLL_MS = 60000;
const listeners = new Set();
let timer = null;
let count = 0;

/** Fetch the count now (the list answers it with `unread`). */
export async function refreshUnread() {
  try {
    const page = await api.get("/me/notifications", { limit: 1 });
    setUnread(page.unread);
  } catch {
    // The badge is a hint; a failed poll leaves the last count.
  }
}

/** Set the count from an answer that carries it (a page of notifications, a mark-read). */
export function setUnread(value) {
  count = Number(value) || 0;
  listeners.forEach((fn) => fn(count));
}

/** Start polling. */
export function startUnreadPolling() {
  stopUnreadPolling();
  refreshUnread();
  timer = setInterval(refreshUnread, POLL_MS);
}

/** Stop polling (logout). */
export function stopUnreadPolling() {
  clearInterval(timer);
  timer = null;
}

/** Call `fn(count)` when the count changes; returns an unsubscribe function. */
export function onUnread(fn) {
  listeners.add(fn);
  fn(count);
  return () => listeners.delete(fn);
}
