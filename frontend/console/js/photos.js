// Photos: thumbnails that open the display copy. Photo URLs are signed by the API, so a plain
// <img src> may load them and the browser may cache them.

import { h } from "../../shared/dom.js";
import { api, request } from "./api.js";
import { openForm, showNotice } from "./dialog.js";
import { t } from "./i18n.js";
import { toast } from "./toast.js";
import { describeError } from "./ui.js";

// Uploads are redacted in the background, usually within seconds of the answer.
const REDACTION_POLL_MS = 2000;
const REDACTION_POLL_ROUNDS = 60;

/**
 * A strip of thumbnails; a click shows the display copy. While a photo waits for the redaction
 * worker, `reload()` (when given) fetches the photos again every two seconds and the strip
 * redraws itself, until none waits or it leaves the page. With `regions` ({reportId, changed}),
 * for the report's coordinator, the display copy shows its redacted regions, each of which may
 * be revealed with a reason, and takes a box drawn over it to pixelate; `changed()` then runs.
 */
export function photoStrip(photos, caption, { reload = null, regions = null } = {}, round = 0) {
  if (!photos || photos.length === 0) return h("p", { class: "muted" }, t("photo.none"));
  const strip = thumbnails(photos, caption, regions);
  const waiting = photos.some((photo) => photo.redaction === "pending");
  if (reload && waiting && round < REDACTION_POLL_ROUNDS) {
    const options = { reload, regions };
    setTimeout(() => redrawOnceRedacted(strip, photos, caption, options, round), REDACTION_POLL_MS);
  }
  return strip;
}

async function redrawOnceRedacted(strip, photos, caption, options, round) {
  if (!strip.isConnected) return;
  const fresh = await options.reload().catch(() => photos);
  if (strip.isConnected) strip.replaceWith(photoStrip(fresh, caption, options, round + 1));
}

function thumbnails(photos, caption, regions) {
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
          onclick: () => openLightbox(photo, alt, regions),
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

/** Show one photo's display copy over the page (with the coordinator's region tools). */
function openLightbox(photo, alt, regions) {
  const size = photo.width && photo.height ? `${photo.width} × ${photo.height}` : "";
  const close = h(
    "button",
    { type: "button", class: "btn", onclick: () => dialog.close() },
    t("action.close"),
  );
  const image = h("img", {
    src: photo.url,
    alt,
    class: "lightbox-image",
    width: photo.width,
    height: photo.height,
    draggable: "false",
  });
  const canvas = h("div", { class: "lightbox-canvas" }, image);
  const tools = regions ? regionTools(photo, canvas, regions, () => dialog.close()) : null;
  const dialog = h(
    "dialog",
    { class: "lightbox", "aria-label": alt },
    canvas,
    h("div", { class: "lightbox-bar" }, h("span", { class: "muted" }, size), tools, close),
  );
  dialog.addEventListener("close", () => dialog.remove());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.body.append(dialog);
  dialog.showModal();
}

/**
 * Place `node` over a box of the picture, in percent of its own size so that the mark follows
 * the image as it is scaled. (Through the CSSOM: the policy refuses style attributes.)
 */
function placeOver(node, [left, top, right, bottom], photo) {
  const percent = (value, whole) => `${(100 * value) / whole}%`;
  Object.assign(node.style, {
    left: percent(left, photo.width),
    top: percent(top, photo.height),
    width: percent(right - left, photo.width),
    height: percent(bottom - top, photo.height),
  });
  return node;
}

/** Marks on each redacted region (a click reveals it) and the button that draws a new box. */
function regionTools(photo, canvas, { reportId, changed }, closeLightbox) {
  photo.regions.forEach((region, index) => {
    const mark = h(
      "button",
      {
        type: "button",
        class: `region-mark ${region.kind}`,
        title: t("photo.reveal", { n: index + 1 }),
        "aria-label": t("photo.reveal", { n: index + 1 }),
        onclick: () => revealRegion(reportId, photo, index),
      },
      h("span", { class: "region-number" }, String(index + 1)),
    );
    canvas.append(placeOver(mark, region.box, photo));
  });
  const draw = h(
    "button",
    { type: "button", class: "btn", "aria-pressed": "false" },
    t("photo.add_box"),
  );
  draw.addEventListener("click", () => {
    const drawing = draw.getAttribute("aria-pressed") !== "true";
    draw.setAttribute("aria-pressed", String(drawing));
    canvas.classList.toggle("drawing", drawing);
  });
  canvas.addEventListener("pointerdown", (event) => {
    if (!canvas.classList.contains("drawing") || event.button !== 0) return;
    event.preventDefault();
    drawBox(canvas, photo, event, async (box) => {
      try {
        await api.post(`/reports/${reportId}/photos/${photo.id}/regions`, { box });
        toast(t("photo.box_added"));
        closeLightbox();
        changed();
      } catch (error) {
        toast(describeError(error), "error");
      }
    });
  });
  return draw;
}

/** Follow one drag over the picture; `done(box)` gets it in the display copy's pixels. */
function drawBox(canvas, photo, start, done) {
  const frame = canvas.getBoundingClientRect();
  const scale = photo.width / frame.width;
  const clamp = (value, max) => Math.min(Math.max(value, 0), max);
  const at = (event) => [
    clamp(event.clientX - frame.left, frame.width),
    clamp(event.clientY - frame.top, frame.height),
  ];
  const [x0, y0] = at(start);
  const draft = h("div", { class: "region-draft" });
  canvas.append(draft);
  const boxTo = (event) => {
    const [x1, y1] = at(event);
    return [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
  };
  const move = (event) => {
    const [left, top, right, bottom] = boxTo(event);
    Object.assign(draft.style, {
      left: `${left}px`,
      top: `${top}px`,
      width: `${right - left}px`,
      height: `${bottom - top}px`,
    });
  };
  const end = (event) => {
    canvas.removeEventListener("pointermove", move);
    canvas.removeEventListener("pointerup", end);
    draft.remove();
    const box = boxTo(event).map((edge, i) =>
      Math.min(Math.round(edge * scale), i % 2 ? photo.height : photo.width),
    );
    done(box);
  };
  canvas.setPointerCapture(start.pointerId);
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", end);
}

/** Ask why, then show the region as it was taken (the look is audited by the server). */
async function revealRegion(reportId, photo, index) {
  const revealed = await openForm({
    title: t("photo.reveal_title", { n: index + 1 }),
    intro: h("p", { class: "muted" }, t("photo.reveal_intro")),
    fields: [{ name: "reason", label: t("photo.reveal_reason"), type: "textarea", required: true }],
    submitLabel: t("photo.reveal_submit"),
    onSubmit: ({ reason }) =>
      request("POST", `/reports/${reportId}/photos/${photo.id}/reveal`, {
        body: { region: index, reason },
        as: "file",
      }),
  });
  if (!revealed) return;
  const url = URL.createObjectURL(revealed.blob);
  await showNotice({
    title: t("photo.revealed_title", { n: index + 1 }),
    body: h("img", {
      src: url,
      alt: t("photo.revealed_title", { n: index + 1 }),
      class: "revealed",
    }),
  });
  URL.revokeObjectURL(url);
}
