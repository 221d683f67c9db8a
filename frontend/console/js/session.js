// The logged-in session (token, expiry, account), kept in localStorage so that tabs share it.

const KEY = "tantou.console.session";
const listeners = new Set();

function read() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || "null");
    if (saved && saved.token && saved.expiresAtMs > Date.now()) return saved;
  } catch {
    // A corrupt entry is treated as no session.
  }
  return null;
}

/** The bearer token, or null. */
export function accessToken() {
  return read()?.token ?? null;
}

/** The logged-in account ({id, username, role, status}), or null. */
export function currentAccount() {
  return read()?.account ?? null;
}

/** Store a new session. */
export function saveSession(token, expiresInSeconds, account) {
  const session = { token, expiresAtMs: Date.now() + expiresInSeconds * 1000, account };
  localStorage.setItem(KEY, JSON.stringify(session));
  listeners.forEach((fn) => fn(session));
}

/** Forget the session (logout, expiry, a 401). */
export function clearSession() {
  const had = read() !== null;
  localStorage.removeItem(KEY);
  if (had) listeners.forEach((fn) => fn(null));
}

/** Call `fn(session|null)` whenever the session changes; returns an unsubscribe function. */
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
