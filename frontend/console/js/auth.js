// Logging in and out; the role decides what the console offers.

import { request } from "./api.js";
import { accessToken, clearSession, saveSession } from "./session.js";

// Who may use the console: area managers (admins, coordinators) and handling units.
const CONSOLE_ROLES = new Set(["admin", "coordinator", "unit"]);

/** Log in with the OAuth2 password form; resolves with the account or throws. */
export async function logIn(username, password) {
  const form = new URLSearchParams({ username, password });
  const token = await request("POST", "/auth/token", { body: form, anonymous: true });
  const account = await request("GET", "/me", { token: token.access_token });
  if (!CONSOLE_ROLES.has(account.role)) {
    const refusal = new Error("not-console-user");
    refusal.code = "not-console-user";
    throw refusal;
  }
  saveSession(token.access_token, token.expires_in, account);
  return account;
}

/** Log out of this browser, and end the session on the server (best effort: offline, the
 * token just expires). */
export function logOut() {
  const token = accessToken();
  clearSession();
  if (token) request("POST", "/auth/logout", { token }).catch(() => {});
}
