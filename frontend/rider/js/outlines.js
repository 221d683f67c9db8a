// The grid outlines (GET /map/outlines), kept on the phone beside the categories so that the
// review screen's map names the grid and refuses a point outside the service area offline.
// The server answers a phone whose copy is current with a 304 (ETag), which the browser's HTTP
// cache turns back into that copy; an import of new grids gives a new answer.

import { api } from "./api.js";
import { getMeta, setMeta } from "./outbox-store.js";

const KEY = "outlines";
let outlines = null;

/** Refresh the outlines from the server, else keep the last ones; resolves with them or null. */
export async function loadOutlines() {
  try {
    outlines = await api("/map/outlines");
    await setMeta(KEY, outlines);
  } catch {
    outlines ??= (await getMeta(KEY).catch(() => null)) || null;
  }
  return outlines;
}

/** The outlines in hand, from memory or the phone's store (null when never loaded). */
export async function storedOutlines() {
  outlines ??= (await getMeta(KEY).catch(() => null)) || null;
  return outlines;
}
