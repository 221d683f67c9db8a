// Sending the outbox, oldest first: shared by the page (XHR, with upload progress) and the
// service worker (fetch, for Background Sync). The server's client_id makes every replay safe.

import { NetworkError, languageHeader, problemLines } from "../../shared/http.js";
import {
  REFUSED,
  SENDING,
  WAITING,
  listRecords,
  removeRecord,
  updateRecord,
} from "./outbox-store.js";

const REPORTS_URL = "/api/v1/reports";
const LOCK_NAME = "tantou-outbox";
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;

/** What to do with a record after an HTTP answer of this status. */
export function outcomeOf(status) {
  if (status >= 200 && status < 300) return "sent";
  if (status === 401) return "login";
  // Time-outs, rate limits and server faults are the server's problem: try again later.
  if (status === 408 || status === 425 || status === 429 || status >= 500) return "retry";
  return "refused";
}

/** Milliseconds to wait after `attempts` failed tries: 5 s doubling up to 5 min, with jitter. */
export function retryDelayMs(attempts, random = Math.random) {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/** The rider-facing reason of a refusal, from a problem+json body. */
export function refusalOf(status, body) {
  return { status, title: body?.title || "", detail: problemLines(body).join("\n") };
}

/** The multipart body of a stored report. */
function formDataOf(record) {
  const form = new FormData();
  for (const [name, value] of Object.entries(record.fields)) {
    if (value !== null && value !== undefined && value !== "") form.append(name, String(value));
  }
  for (const photo of record.photos) {
    form.append("photo", new Blob([photo.buffer], { type: photo.type }), photo.name);
  }
  return form;
}

/** Send with fetch (no upload progress; works in a service worker). */
export async function fetchTransport({ url, headers, body }) {
  let response;
  try {
    response = await fetch(url, { method: "POST", headers, body, credentials: "omit" });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  let json = null;
  try {
    json = await response.json();
  } catch {
    /* not JSON: the status says enough */
  }
  return { status: response.status, json };
}

/**
 * Send every waiting record of this account once, oldest first, unless another tab or the
 * service worker is already doing it. Stops at the first network failure (the rest would fail too) and keeps order.
 * `notify(event)` hears {type: "state"|"progress"|"sent"|"refused"|"login"|"retry", ...}.
 * Resolves with "done", "busy", "login" (no valid token) or "retry" (try again later).
 */
export async function flushOutbox({
  token,
  accountId,
  transport,
  notify = () => {},
  force = false,
}) {
  if (!token) return "login";
  const options = { token, accountId, transport, notify, force };
  const locks = globalThis.navigator?.locks;
  if (!locks) return sendAll(options);
  return locks.request(LOCK_NAME, { ifAvailable: true }, (lock) =>
    lock ? sendAll(options) : "busy",
  );
}

async function sendAll({ token, accountId, transport, notify, force }) {
  for (const record of await listRecords()) {
    // A record still marked "sending" was cut off (tab closed, worker stopped): it goes again.
    if (record.state === REFUSED) continue;
    // Reports queued by another rider on this phone wait for that rider's token.
    if (accountId && record.account_id && record.account_id !== accountId) continue;
    if (!force && record.next_attempt_at > Date.now()) {
      notify({ type: "retry", at: record.next_attempt_at });
      return "retry";
    }
    const outcome = await sendOne(record, { token, transport, notify });
    if (outcome === "login" || outcome === "retry") return outcome;
  }
  return "done";
}

async function sendOne(record, { token, transport, notify }) {
  const clientId = record.client_id;
  await updateRecord(clientId, { state: SENDING });
  notify({ type: "state", clientId, state: SENDING });
  let answer;
  try {
    answer = await transport({
      url: REPORTS_URL,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/json",
        ...languageHeader(record.lang),
      },
      body: formDataOf(record),
      onProgress: (fraction) => notify({ type: "progress", clientId, fraction }),
    });
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    return postpone(record, notify);
  }
  const outcome = outcomeOf(answer.status);
  if (outcome === "sent") {
    await removeRecord(clientId);
    notify({ type: "sent", clientId, report: answer.json, fields: record.fields });
  } else if (outcome === "refused") {
    const refusal = refusalOf(answer.status, answer.json);
    await updateRecord(clientId, { state: REFUSED, refusal });
    notify({ type: "refused", clientId, refusal });
  } else if (outcome === "login") {
    await updateRecord(clientId, { state: WAITING });
    notify({ type: "login", clientId });
  } else {
    return postpone(record, notify);
  }
  return outcome;
}

async function postpone(record, notify) {
  const attempts = record.attempts + 1;
  const at = Date.now() + retryDelayMs(attempts);
  await updateRecord(record.client_id, { state: WAITING, attempts, next_attempt_at: at });
  notify({ type: "retry", clientId: record.client_id, at });
  return "retry";
}
