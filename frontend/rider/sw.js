// The rider app's service worker (a module worker): the app shell from a versioned cache so the
// app opens without a network, and the outbox replayed on Background Sync. API requests are never
// cached: they go straight to the network. The map's files (MAP) join the same cache when the
// logged-in home screen asks ("keep-map"), not at install, so the first load stays light.

import { fetchTransport, flushOutbox } from "./js/outbox-send.js";
import { getMeta } from "./js/outbox-store.js";

// Change VERSION whenever a file below changes (tests/e2e/test_shell.py checks it against a hash
// of the shell), so that riders' phones fetch the new shell and drop the old one.
const VERSION = "shell-fe2a7f32";
const CACHE = `tantou-${VERSION}`;
const SHELL = [
  "/",
  "/manifest.webmanifest",
  "/css/app.css",
  "/icons/favicon-32.png",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/icons/apple-touch-icon.png",
  "/js/api.js",
  "/js/app.js",
  "/js/auth.js",
  "/js/badge.js",
  "/js/camera.js",
  "/js/categories.js",
  "/js/draft.js",
  "/js/exif.js",
  "/js/geo.js",
  "/js/i18n.js",
  "/js/i18n/en.js",
  "/js/i18n/zh-CN.js",
  "/js/icons.js",
  "/js/idb.js",
  "/js/map-config.js",
  "/js/outbox-send.js",
  "/js/outbox-store.js",
  "/js/outbox.js",
  "/js/outlines.js",
  "/js/service-area.js",
  "/js/toast.js",
  "/js/token.js",
  "/js/ui.js",
  "/js/upload.js",
  "/js/views/forms.js",
  "/js/views/home.js",
  "/js/views/location-line.js",
  "/js/views/login.js",
  "/js/views/me-too.js",
  "/js/views/me.js",
  "/js/views/messages.js",
  "/js/views/nearby.js",
  "/js/views/notice.js",
  "/js/views/outbox-list.js",
  "/js/views/pending.js",
  "/js/views/photo-strip.js",
  "/js/views/pin-map.js",
  "/js/views/points.js",
  "/js/views/privacy.js",
  "/js/views/register.js",
  "/js/views/report-new.js",
  "/js/views/report.js",
  "/js/views/reports.js",
  "/js/views/tasks.js",
  "/js/views/verification.js",
  "/shared/client-id.js",
  "/shared/dom.js",
  "/shared/http.js",
  "/shared/i18n.js",
  "/shared/router.js",
  "/shared/status-words.js",
];
const MAP = [
  "/shared/map.js",
  "/shared/gcj02.js",
  "/vendor/leaflet/leaflet.js",
  "/vendor/leaflet/leaflet.css",
];
const NAVIGATION_TIMEOUT_MS = 4000;
const SYNC_TAG = "outbox";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // An update revalidates with the server ("no-cache": a cheap 304 when unchanged) instead
      // of trusting whatever the HTTP cache holds from the previous version. A first install
      // takes what the page has just loaded from the HTTP cache: asking again would only bring
      // back dozens of 304s (tests/e2e/test_first_load.py measures about 5 KB less).
      const updating = (await caches.keys()).some((name) => name.startsWith("tantou-"));
      const cache = await caches.open(CACHE);
      const mode = updating ? "no-cache" : "default";
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: mode })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith("tantou-") && n !== CACHE).map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // Writes, the API, the console, the API docs and other origins are none of the shell's business.
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (/^\/(api|console|docs)(\/|$)/.test(url.pathname) || url.pathname === "/openapi.json") return;
  if (request.mode === "navigate") {
    event.respondWith(navigation(request));
  } else if (SHELL.includes(url.pathname) || MAP.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});

/** Network first (a fresh shell when online), the cached shell when the network fails or stalls. */
async function navigation(request) {
  const network = fetch(request);
  const cached = await caches.match("/");
  if (!cached) return network;
  network.catch(() => {}); // a late failure after the cached shell was served is not an error
  const timeout = new Promise((resolve) => {
    setTimeout(() => resolve(cached), NAVIGATION_TIMEOUT_MS);
  });
  try {
    const response = await Promise.race([network, timeout]);
    return response.ok || response === cached ? response : cached;
  } catch {
    return cached;
  }
}

self.addEventListener("message", (event) => {
  if (event.data?.type === "keep-map") event.waitUntil(keepMap());
});

/** Add the map's files to this version's cache, fetching only those it does not hold yet. */
async function keepMap() {
  const cache = await caches.open(CACHE);
  const held = await Promise.all(MAP.map((url) => cache.match(url)));
  const missing = MAP.filter((_, index) => !held[index]);
  await cache.addAll(missing.map((url) => new Request(url, { cache: "no-cache" })));
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(replayOutbox());
});

/** Send the outbox from the worker (the app may be closed); failing asks the browser to retry. */
async function replayOutbox() {
  const [token, accountId] = await Promise.all([getMeta("token"), getMeta("account_id")]);
  const result = await flushOutbox({
    token,
    accountId,
    transport: fetchTransport,
    notify: tellPages,
  });
  if (result === "retry") throw new Error("outbox: the network is still down");
}

async function tellPages(event) {
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const page of pages) page.postMessage({ type: "outbox", event });
}
