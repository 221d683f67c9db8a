// Where the rider is: the phone's fix (Geolocation API, WGS-84) and the grid it falls in.

import { api } from "./api.js";

const FRESH_MS = 2 * 60_000;
const SAME_PLACE_M = 30;
const listeners = new Set();
let fix = null;
let state = "idle"; // idle | pending | ok | denied | unavailable | unsupported
let watchId = null;
let wanted = false;
let lastLookup = null; // {fix, result}

/** Start following the phone's position while the app is on screen. */
export function startGeo() {
  wanted = true;
  if (!("geolocation" in navigator)) return setState("unsupported");
  if (watchId !== null || document.visibilityState === "hidden") return undefined;
  if (state !== "ok") setState("pending");
  watchId = navigator.geolocation.watchPosition(onPosition, onError, {
    enableHighAccuracy: true,
    maximumAge: 30_000,
    timeout: 20_000,
  });
  return undefined;
}

// High-accuracy tracking costs battery: stop while the app is in the background.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden" && watchId !== null) {
    navigator.geolocation.clearWatch(watchId);
    watchId = null;
  } else if (document.visibilityState === "visible" && wanted) {
    startGeo();
  }
});

function onPosition(position) {
  const { latitude, longitude, accuracy } = position.coords;
  fix = { lat: latitude, lon: longitude, accuracy_m: Math.round(accuracy), at: Date.now() };
  setState("ok");
}

function onError(error) {
  if (error.code === error.PERMISSION_DENIED) {
    navigator.geolocation.clearWatch(watchId);
    watchId = null;
    wanted = false;
    setState("denied");
  } else if (!currentFix()) {
    setState("unavailable");
  }
}

function setState(next) {
  state = next;
  for (const listener of listeners) listener();
}

/** The latest fix if it is recent enough to stand for "here": {lat, lon, accuracy_m}. */
export function currentFix() {
  return fix && Date.now() - fix.at < FRESH_MS ? fix : null;
}

export function geoState() {
  return state === "ok" && !currentFix() ? "pending" : state;
}

/** Hear about new fixes and errors (returns a function that stops listening). */
export function onGeoChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The grid containing the fix ({grid, community} from GET /grids/locate), reused nearby. */
export async function locateFix(here) {
  if (lastLookup && distanceM(lastLookup.fix, here) < SAME_PLACE_M) return lastLookup.result;
  const result = await api("/grids/locate", {
    query: { lat: here.lat, lon: here.lon, crs: "wgs84" },
  });
  lastLookup = { fix: here, result };
  return result;
}

/** Metres between two {lat, lon} points (equirectangular: fine at street scale). */
function distanceM(a, b) {
  const rad = Math.PI / 180;
  const x = (b.lon - a.lon) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
  const y = (b.lat - a.lat) * rad;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}
