// Logging in and out, and who the rider is (kept for starting offline).

import { api } from "./api.js";
import { setMeta } from "./outbox-store.js";
import { forgetReading } from "./reading-cache.js";
import { unsubscribeThisDevice } from "./push.js";
import { getToken, setToken } from "./token.js";

const ME_KEY = "tantou.me";
export const ACCOUNT_EVENT = "tantou:account";

/** Log in with phone and password, as a rider (a staff account is refused: 403
 * staff-account-in-rider-app); resolves with the account (GET /me). */
export async function logIn(username, password) {
  const form = new URLSearchParams({ username, password, scope: "rider" });
  const data = await api("/auth/token", { method: "POST", form, auth: false });
  await setToken(data.access_token);
  return refreshMe();
}

/** The account as the server sees it now; remembered for starting without a network, and
 * announced (a fresh login may have reports waiting to go). */
export async function refreshMe() {
  const me = await api("/me");
  localStorage.setItem(ME_KEY, JSON.stringify(me));
  await setMeta("account_id", me.id);
  window.dispatchEvent(new Event(ACCOUNT_EVENT));
  return me;
}

/** The account last seen, or null. */
export function cachedMe() {
  try {
    return JSON.parse(localStorage.getItem(ME_KEY));
  } catch {
    return null;
  }
}

export function isLoggedIn() {
  return Boolean(getToken());
}

/** Forget the token and the account, and end the session on the server too (best effort:
 * offline, the token simply expires); queued reports stay for when this rider logs in again. */
export async function logOut() {
  // This phone no longer hears of the account's cases (a shared phone, another rider next):
  // its push service then answers 410 for it, and the server drops the subscription.
  await unsubscribeThisDevice().catch(() => {});
  const token = getToken();
  localStorage.removeItem(ME_KEY);
  await setMeta("account_id", null);
  await forgetReading();
  await setToken(null);
  if (token) api("/auth/logout", { method: "POST", bearer: token }).catch(() => {});
}
