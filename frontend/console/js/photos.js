// Photos: thumbnails that open the display copy. Photo URLs are signed by the API, so a plain
// <img src> may load them and the browser may cache them.

import { h } from "../../shared/dom.js";
import { t } from "./i18n.js";

/** A strip of thumbnails; a click shows the display copy. */
export function photoStrip(photos, caption) {
  if (!photos || photos.length === 0) return h("p", { class: "muted" }, t("photo.none"));
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
