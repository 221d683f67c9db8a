// The tile setting (GET /map/config), remembered for offline, and the shared map module, loaded
// only by the screens that show a map (the service worker keeps both for offline use).

import { api } from "./api.js";

const KEY = "tantou.map-config";

/** A map in `container` with the server's tile setting (the last one seen, offline). */
export async function openMap(container) {
  const [{ createMap }, config] = await Promise.all([
    import("../../shared/map.js"),
    api("/map/config").then(
      (fresh) => {
        localStorage.setItem(KEY, JSON.stringify(fresh));
        return fresh;
      },
      () => JSON.parse(localStorage.getItem(KEY) || "{}"),
    ),
  ]);
  return createMap(container, config);
}

/**
 * Ask the service worker to keep the map's files (Leaflet and the map module), so that the
 * review screen's map works offline. Asked from the logged-in home screen, not at install: the
 * first load (login, registration) stays light.
 */
export function warmMapCache() {
  navigator.serviceWorker?.ready.then((registration) =>
    registration.active?.postMessage({ type: "keep-map" }),
  );
}
