// The photo viewer: a full-screen dialog over the report, one photo at a time, through the
// before photos and on to the after ones. Pinch (or the +/- keys, or a double tap) zooms, a
// drag pans a zoomed photo; a swipe, the arrow keys or the buttons go to the next or previous
// photo; Escape or the close button leaves. Pointer Events only: no library.

import { h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { t } from "../i18n.js";

const MAX_SCALE = 4;
const DOUBLE_TAP_SCALE = 2.5;
const DOUBLE_TAP_MS = 300;
const SWIPE_PX = 50;

/** Show `photos` ([{url, alt, label}]) from `start`; resolves once the viewer is closed. */
export function openPhotoViewer(photos, start = 0) {
  let index = start;
  let view = { scale: 1, x: 0, y: 0 };
  const pointers = new Map(); // pointerId -> {x, y}
  let gesture = null; // where the current gesture began
  let lastTapAt = 0;

  const image = h("img", { class: "viewer-image", draggable: "false", alt: "" });
  const caption = h("p", { class: "viewer-caption", "aria-live": "polite" });
  const stage = h("div", { class: "viewer-stage" }, image);
  const previous = h(
    "button",
    { class: "viewer-button viewer-previous", type: "button", "aria-label": t("viewer.previous") },
    icon(ICONS.back, 28),
  );
  const next = h(
    "button",
    { class: "viewer-button viewer-next", type: "button", "aria-label": t("viewer.next") },
    icon(ICONS.forward, 28),
  );
  const close = h(
    "button",
    { class: "viewer-button viewer-close", type: "button", "aria-label": t("viewer.close") },
    icon(ICONS.close, 28),
  );
  const dialog = h(
    "dialog",
    { class: "photo-viewer", "aria-label": t("viewer.title") },
    stage,
    caption,
    previous,
    next,
    close,
  );

  function draw() {
    image.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
    dialog.dataset.zoomed = String(view.scale > 1);
  }

  function show(at) {
    index = (at + photos.length) % photos.length;
    const photo = photos[index];
    image.src = photo.url;
    image.alt = photo.alt;
    caption.textContent = t("viewer.caption", {
      label: photo.label,
      n: index + 1,
      total: photos.length,
    });
    previous.hidden = next.hidden = photos.length < 2;
    view = { scale: 1, x: 0, y: 0 };
    draw();
  }

  function zoomTo(scale) {
    const clamped = Math.min(MAX_SCALE, Math.max(1, scale));
    view = clamped === 1 ? { scale: 1, x: 0, y: 0 } : { ...view, scale: clamped };
    draw();
  }

  const spread = () => {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };

  stage.addEventListener("pointerdown", (event) => {
    stage.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    gesture =
      pointers.size === 2
        ? { pinch: spread(), scale: view.scale }
        : { x: event.clientX, y: event.clientY, view: { ...view } };
  });
  stage.addEventListener("pointermove", (event) => {
    if (!pointers.has(event.pointerId) || !gesture) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2 && gesture.pinch) {
      zoomTo((gesture.scale * spread()) / gesture.pinch);
    } else if (pointers.size === 1 && gesture.view && view.scale > 1) {
      view = {
        ...view,
        x: gesture.view.x + event.clientX - gesture.x,
        y: gesture.view.y + event.clientY - gesture.y,
      };
      draw();
    }
  });
  const lift = (event) => {
    if (!pointers.delete(event.pointerId)) return;
    const began = gesture;
    if (pointers.size > 0) {
      // One finger of a pinch lifted: the other one pans from here.
      const [[, rest]] = [...pointers];
      gesture = { x: rest.x, y: rest.y, view: { ...view } };
      return;
    }
    gesture = null;
    if (!began?.view || event.type === "pointercancel") return;
    const dx = event.clientX - began.x;
    const dy = event.clientY - began.y;
    if (view.scale === 1 && Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(dy)) {
      show(index + (dx < 0 ? 1 : -1));
    } else if (Math.hypot(dx, dy) < 10) {
      const now = event.timeStamp;
      if (now - lastTapAt < DOUBLE_TAP_MS) zoomTo(view.scale > 1 ? 1 : DOUBLE_TAP_SCALE);
      lastTapAt = now;
    }
  };
  stage.addEventListener("pointerup", lift);
  stage.addEventListener("pointercancel", lift);

  previous.addEventListener("click", () => show(index - 1));
  next.addEventListener("click", () => show(index + 1));
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("keydown", (event) => {
    const keys = {
      ArrowLeft: () => show(index - 1),
      ArrowRight: () => show(index + 1),
      "+": () => zoomTo(view.scale * 1.5),
      "=": () => zoomTo(view.scale * 1.5),
      "-": () => zoomTo(view.scale / 1.5),
    };
    if (!keys[event.key]) return;
    event.preventDefault();
    keys[event.key]();
  });

  document.body.append(dialog);
  show(start);
  dialog.showModal();
  close.focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve();
    });
  });
}
