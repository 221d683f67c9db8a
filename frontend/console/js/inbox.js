// What waits for the coordinator (GET /me/inbox): the counts behind the menu's badges.
//
// Read when the live stream opens (after its `ready`: whatever is committed later arrives as an
// event, so nothing falls between the count and the stream), after each live event, after each
// change this console makes (dealing with something brings its count down), and every minute
// (for what colleagues dealt with).

import { api, onChangeMade } from "./api.js";
import { onLiveNotification, onLiveReport, onStreamState } from "./live-stream.js";
import { setUnread } from "./unread.js";

const POLL_MS = 60000;
const listeners = new Set();
let counts = null;
let timer = null;
let reading = null;
let readAgain = false;
let stops = [];

async function read() {
  try {
    counts = await api.get("/me/inbox");
  } catch {
    return; // the badges are a hint; a failed read leaves the last counts
  }
  setUnread(counts.unread);
  listeners.forEach((fn) => fn(counts));
}

/** Read the counts now; a call during a read reads once more after it, so the last read
 * always follows the last call. */
export function refreshInbox() {
  if (reading) {
    readAgain = true;
    return reading;
  }
  reading = read().finally(() => {
    reading = null;
    if (readAgain) {
      readAgain = false;
      refreshInbox();
    }
  });
  return reading;
}

/** Keep the counts current while logged in as an area manager. */
export function startInbox() {
  stopInbox();
  stops = [
    onStreamState((state) => state === "open" && refreshInbox()),
    onLiveReport(refreshInbox),
    onLiveNotification(refreshInbox),
    onChangeMade(refreshInbox),
  ];
  refreshInbox();
  timer = setInterval(refreshInbox, POLL_MS);
}

/** Stop (logout). */
export function stopInbox() {
  stops.forEach((stop) => stop());
  stops = [];
  clearInterval(timer);
  timer = null;
  counts = null;
}

/** Call `fn(counts)` whenever they are read (at once with the last ones); returns an
 * unsubscribe function. */
export function onInbox(fn) {
  listeners.add(fn);
  if (counts) fn(counts);
  return () => listeners.delete(fn);
}
