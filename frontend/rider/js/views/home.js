// The first screen: one big camera button (tap 1 of 3), where the rider is, and the outbox.

import { loadCategories } from "../categories.js";
import { h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { startDraft } from "../draft.js";
import { t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { warmMapCache } from "../map-config.js";
import { loadOutlines } from "../outlines.js";
import { locationLine } from "./location-line.js";
import { outboxList } from "./outbox-list.js";

export function homeView({ root }) {
  const camera = h("input", {
    id: "camera-input",
    class: "file-cover",
    type: "file",
    accept: "image/*",
    capture: "environment",
    multiple: true,
    onchange: () => {
      if (!camera.files.length) return;
      startDraft([...camera.files]);
      camera.value = "";
      navigate("/new");
    },
  });
  const location = locationLine();
  const outbox = outboxList();

  root.append(
    h(
      "div",
      { class: "hero" },
      h("h1", { class: "hero-greeting" }, t("home.greeting")),
      h(
        "label",
        { class: "snap-button", for: "camera-input" },
        h("span", { class: "snap-ring" }, icon(ICONS.camera, 56)),
        h("span", { class: "snap-label" }, t("home.snap")),
        h("span", { class: "snap-hint" }, t("home.snap_hint")),
        camera,
      ),
      location.node,
    ),
    outbox.node,
    h(
      "nav",
      { class: "quick-links", "aria-label": t("home.shortcuts") },
      quickLink("#/nearby", ICONS.pin, t("home.nearby")),
      quickLink("#/tasks", ICONS.tasks, t("home.tasks")),
      quickLink("#/notices", ICONS.megaphone, t("home.notices")),
      quickLink("#/points", ICONS.star, t("home.points")),
    ),
  );
  // Have the categories, the grid outlines and the map ready (and kept for offline) before the
  // rider needs them.
  loadCategories().catch(() => {});
  loadOutlines();
  warmMapCache();
  return () => {
    location.stop();
    outbox.stop();
  };
}

function quickLink(href, paths, label) {
  return h("a", { class: "quick-link", href }, icon(paths, 26), h("span", {}, label));
}
