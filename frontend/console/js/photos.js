// Photos: thumbnails that open the display copy. Photo URLs are signed by the API, so a plain
// <img src> may load them and the browser may cache them.

import { h } from "../../shared/dom.js";
import { t } from "./i18n.js";

// Uploads are redacted in the background, usually within seconds of the answer.
const REDACTION_POLL_MS = 2000;
const REDACTION_POLL_ROUNDS = 60;

/**
 * A strip of thumbnails; a click shows the display copy. While a photo waits for the redaction
 * worker, `reload()` (when given) fetches the photos again every two seconds and the strip
 * redraws itself, until none waits or it leaves the page.
 */
export function photoStrip(photos, caption, reload = null, round = 0) {
  if (!photos || photos.length === 0) return h("p", { class: "muted" }, t("photo.none"));
  const strip = thumbnails(photos, caption);
  const waiting = photos.some((photo) => photo.redaction === "pending");
  if (reload && waiting && round < REDACTION_POLL_ROUNDS) {
    setTimeout(() => redrawOnceRedacted(strip, photos, caption, reload, round), REDACTION_POLL_MS);
  }
  return strip;
}

async function redrawOnceRedacted(strip, photos, caption, reload, round) {
  if (!strip.isConnected) return;
  const fresh = await reload().catch(() => photos);
  if (strip.isConnected) strip.replaceWith(photoStrip(fresh, caption, reload, round + 1));
}

function thumbnails(photos, caption) {
  return h(
    "div",
    { class: "photo-strip" },
    photos.map((photo, index) => {
      const alt = t("photo.alt", { n: index + 1, caption });
      if (!photo.ready) return waitingTile(photo);
      return h(
        "button",
        {
          type: "button",
          class: "thumb-button",
          title: t("photo.open"),
          onclick: () => openLightbox(photo, alt),
        },
        h("img", {
          src: photo.thumbnail_url || photo.url,
          alt,
          loading: "lazy",
          class: "thumb",
        }),
      );
    }),
  );
}

/** A photo not yet redacted: no picture, and why (a failed detector needs a person's check). */
function waitingTile(photo) {
  const mark = photo.redaction === "needs_check" ? "photo.needs_check" : "photo.waiting";
  return h("span", { class: `thumb-button photo-waiting ${photo.redaction}` }, t(mark));
}

/** Show one photo's display copy over the page. */
function openLightbox(photo, alt) {
  const size = photo.width && photo.height ? `${photo.width} × ${photo.height}` : "";
  const close = h(
    "button",
    { type: "button", class: "btn", onclick: () => dialog.close() },
    t("action.close"),
  );
  const dialog = h(
    "dialog",
    { class: "lightbox", "aria-label": alt },
    h("img", {
      src: photo.url,
      alt,
      class: "lightbox-image",
      width: photo.width,
      height: photo.height,
    }),
    h("div", { class: "lightbox-bar" }, h("span", { class: "muted" }, size), close),
  );
  dialog.addEventListener("close", () => dialog.remove());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.body.append(dialog);
  dialog.showModal();
}
