// The bearer token: in localStorage for the page, mirrored to IndexedDB for the service worker.

import { setMeta } from "./outbox-store.js";

const KEY = "tantou.token";

export function getToken() {
  return localStorage.getItem(KEY);
}

/** Keep the token (null forgets it) where both the page and the service worker can read it. */
export async function setToken(token) {
  if (token) localStorage.setItem(KEY, token);
  else localStorage.removeItem(KEY);
  await setMeta("token", token || null);
}
