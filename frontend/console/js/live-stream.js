// The console's live stream (GET /me/inbox/stream, Server-Sent Events): new reports in the
// caller's areas (`new_report`, and `urgent_report` for urgent ones) and new notifications in
// their inbox (`notification`), reconnecting on failure.

import { API_BASE } from "../../shared/http.js";
import { accessToken } from "./session.js";

const RETRY_MAX_MS = 30000;
const listeners = { report: new Set(), notification: new Set(), state: new Set() };
let source = null;
let retryTimer = null;
let retryMs = 1000;
let state = "closed";

function setState(next) {
  state = next;
  listeners.state.forEach((fn) => fn(next));
}

function connect() {
  const token = accessToken();
  if (!token) return;
  const url = `${API_BASE}/me/inbox/stream?access_token=${encodeURIComponent(token)}`;
  source = new EventSource(url);
  setState("connecting");
  // Live at `ready`, not at `open`: the server draws its starting line after the headers.
  source.addEventListener("ready", () => {
    retryMs = 1000;
    setState("open");
  });
  const deliver = (name, to) =>
    source.addEventListener(name, (event) => {
      let item;
      try {
        item = JSON.parse(event.data);
      } catch {
        return;
      }
      to.forEach((fn) => fn(item));
    });
  deliver("new_report", listeners.report);
  deliver("urgent_report", listeners.report);
  deliver("notification", listeners.notification);
  source.addEventListener("error", () => {
    // CONNECTING: the browser retries by itself. CLOSED: it gave up (e.g. an expired token).
    if (source.readyState === EventSource.CLOSED) {
      source = null;
      setState("closed");
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    } else {
      setState("connecting");
    }
  });
}

/** Open the stream for the logged-in account. */
export function startLiveStream() {
  stopLiveStream();
  retryMs = 1000;
  connect();
}

/** Close it (logout). */
export function stopLiveStream() {
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  setState("closed");
}

/** The stream's state: 'open', 'connecting' or 'closed'. */
export function streamState() {
  return state;
}

/** Call `fn(report)` for each new report in the caller's areas; returns an unsubscribe function. */
export function onLiveReport(fn) {
  listeners.report.add(fn);
  return () => listeners.report.delete(fn);
}

/** Call `fn(report)` for each new urgent report; returns an unsubscribe function. */
export function onUrgentReport(fn) {
  return onLiveReport((report) => {
    if (report.urgent) fn(report);
  });
}

/** Call `fn(notification)` for each notification put in the caller's inbox; returns an
 * unsubscribe function. */
export function onLiveNotification(fn) {
  listeners.notification.add(fn);
  return () => listeners.notification.delete(fn);
}

/** Call `fn(state)` when the stream opens or drops; returns an unsubscribe function. */
export function onStreamState(fn) {
  listeners.state.add(fn);
  return () => listeners.state.delete(fn);
}
