// The page's side of the outbox: queue a report, send it whenever there is a chance (load,
// online, visible again, a retry timer, Background Sync), and tell the screens what happened.

import { UNAUTHORIZED_EVENT } from "./api.js";
import { ACCOUNT_EVENT, cachedMe } from "./auth.js";
import { getLang } from "./i18n.js";
import { flushOutbox } from "./outbox-send.js";
import { REFUSED, addRecord, listRecords, removeRecord } from "./outbox-store.js";
import { newClientId } from "../../shared/client-id.js";
import { getToken } from "./token.js";
import { xhrTransport } from "./upload.js";

const SYNC_TAG = "outbox";
const BUSY_RECHECK_MS = 3000;
const listeners = new Set();
const progressByClientId = new Map();
const sentThisSession = [];
let running = null;
let runAgain = false;
let retryTimer = 0;

/** Hear about every change of the outbox (returns a function that stops listening). */
export function onOutboxChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(event) {
  for (const listener of listeners) listener(event);
}

/** Store a report (fields without client_id; photos [{buffer, type, name}]) and try to send it. */
export async function queueReport(fields, photos) {
  const clientId = newClientId();
  const record = await addRecord({
    client_id: clientId,
    queued_at: Date.now(),
    account_id: cachedMe()?.id ?? null,
    // The language the rider reads, for the server's answer (a refusal's reason).
    lang: getLang(),
    fields: { ...fields, client_id: clientId },
    photos,
  });
  announce({ type: "queued", clientId });
  requestBackgroundSync();
  flush();
  return record;
}

/** Send what is waiting; `force` ignores the back-off (the network just came back). */
function flush({ force = false } = {}) {
  if (running) {
    runAgain = true;
    return running;
  }
  running = (async () => {
    let result;
    do {
      runAgain = false;
      result = await flushOutbox({
        token: getToken(),
        accountId: cachedMe()?.id,
        transport: xhrTransport,
        notify: hear,
        force,
      });
    } while (runAgain && result === "done");
    // Another tab or the service worker is sending: look again shortly, in case its news is lost.
    if (result === "busy") scheduleRetry(Date.now() + BUSY_RECHECK_MS);
    announce({ type: "flushed", result });
    return result;
  })().finally(() => {
    running = null;
  });
  return running;
}

function hear(event) {
  if (event.type === "progress") progressByClientId.set(event.clientId, event.fraction);
  if (event.type === "sent" || event.type === "refused") progressByClientId.delete(event.clientId);
  if (event.type === "sent") {
    sentThisSession.unshift({
      client_id: event.clientId,
      fields: event.fields,
      report: event.report,
    });
  }
  if (event.type === "retry") scheduleRetry(event.at);
  if (event.type === "login") window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  announce(event);
}

function scheduleRetry(at) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => flush(), Math.max(1000, at - Date.now()));
}

/** What to show: queued records (oldest first, with upload progress) and this session's sent ones. */
export async function outboxItems() {
  const records = await listRecords();
  return {
    queued: records.map((r) => ({ ...r, progress: progressByClientId.get(r.client_id) ?? null })),
    sent: [...sentThisSession],
  };
}

/** Drop a refused report the rider has read. */
export async function dismissRefused(record) {
  if (record.state !== REFUSED) return;
  await removeRecord(record.client_id);
  announce({ type: "dismissed", clientId: record.client_id });
}

/** Start sending on load, when the network returns, when the app is shown, after a login, and
 * on news from the service worker. */
export function startOutbox() {
  window.addEventListener("online", () => flush({ force: true }));
  window.addEventListener(ACCOUNT_EVENT, () => flush());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  navigator.serviceWorker?.addEventListener("message", (message) => {
    if (message.data?.type === "outbox") hear(message.data.event);
  });
  flush();
}

function requestBackgroundSync() {
  navigator.serviceWorker?.ready
    .then((registration) => registration.sync?.register(SYNC_TAG))
    .catch(() => {
      /* no Background Sync here: load, online and visibility cover it */
    });
}
