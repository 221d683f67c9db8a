// My reports as last read from the server (the list and each report opened), kept in IndexedDB
// under the account so that a rider can read them without a network. Forgotten on logout.

import { READING, done, withStore } from "./idb.js";

const MAX_LISTED = 100;

const listKey = (accountId) => `list:${accountId}`;
const reportKey = (accountId, id) => `report:${accountId}:${id}`;

/** Keep a page of my reports: the first page starts the list again, later ones extend it. */
export function keepReportsPage(accountId, items, { first }) {
  return withStore(READING, "readwrite", async (store) => {
    const kept = first ? [] : (await done(store.get(listKey(accountId))))?.items || [];
    const ids = new Set(kept.map((report) => report.id));
    const merged = [...kept, ...items.filter((report) => !ids.has(report.id))];
    store.put({ items: merged.slice(0, MAX_LISTED), saved_at: Date.now() }, listKey(accountId));
  });
}

/** The list last kept: {items, saved_at}, or undefined. */
export function keptReports(accountId) {
  return withStore(READING, "readonly", (store) => done(store.get(listKey(accountId))));
}

/** Keep one report with its timeline, as last read. */
export function keepReport(accountId, report, events) {
  return withStore(READING, "readwrite", (store) => {
    store.put({ report, events, saved_at: Date.now() }, reportKey(accountId, report.id));
  });
}

/** The report last kept: {report, events, saved_at}, or undefined. */
export function keptReport(accountId, id) {
  return withStore(READING, "readonly", (store) => done(store.get(reportKey(accountId, id))));
}

/** Forget every kept report (logging out: the next rider on this phone sees none of them). */
export function forgetReading() {
  return withStore(READING, "readwrite", (store) => {
    store.clear();
  });
}
