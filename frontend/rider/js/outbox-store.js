// The outbox in IndexedDB: reports waiting to be sent, with their photos as ArrayBuffers
// (Safari cannot keep Blobs in IndexedDB reliably). Shared by the page and the service worker.

import { META, OUTBOX, done, withStore } from "./idb.js";

export const WAITING = "waiting";
export const SENDING = "sending";
export const REFUSED = "refused";

/**
 * Store a new report before anything else happens to it.
 * record: {client_id, queued_at (ms), fields: {name: string}, photos: [{buffer, type, name}]}
 */
export function addRecord(record) {
  const stored = { state: WAITING, attempts: 0, next_attempt_at: 0, refusal: null, ...record };
  return withStore(OUTBOX, "readwrite", (store) => done(store.add(stored))).then(() => stored);
}

/** Every record, oldest first. */
export function listRecords() {
  return withStore(OUTBOX, "readonly", (store) => done(store.index("queued_at").getAll()));
}

/** Merge `patch` into the record (no-op when it is gone). */
export function updateRecord(clientId, patch) {
  return withStore(OUTBOX, "readwrite", async (store) => {
    const record = await done(store.get(clientId));
    if (record) await done(store.put({ ...record, ...patch }));
    return record ? { ...record, ...patch } : null;
  });
}

/** Forget a record (sent, or a refusal the rider dismissed). */
export function removeRecord(clientId) {
  return withStore(OUTBOX, "readwrite", (store) => done(store.delete(clientId)));
}

/** A small value kept beside the outbox (the token, so the service worker can send too). */
export function getMeta(key) {
  return withStore(META, "readonly", (store) => done(store.get(key)));
}

export function setMeta(key, value) {
  return withStore(META, "readwrite", (store) =>
    done(value === null || value === undefined ? store.delete(key) : store.put(value, key)),
  );
}
