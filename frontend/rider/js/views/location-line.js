// One line saying where the report will be placed: accuracy of the fix and the grid's name.

import { h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { currentFix, geoState, locateFix, onGeoChange, startGeo } from "../geo.js";
import { t } from "../i18n.js";

/** A live location line, its grid looked up again once the phone is back online; returns
 * {node, stop}. */
export function locationLine() {
  const text = h("span", { class: "location-text" });
  const grid = h("span", { class: "location-grid" });
  const node = h(
    "p",
    { class: "location-line", role: "status", "aria-live": "polite" },
    icon(ICONS.pin, 18),
    h("span", {}, text, grid),
  );
  let lookedUp = null;
  let found = false; // whether the grid of `lookedUp` is known

  const draw = () => {
    const fix = currentFix();
    const state = geoState();
    node.dataset.state = fix ? "ok" : state;
    if (fix) {
      text.textContent = t("geo.accuracy", { m: fix.accuracy_m });
      lookUp(fix);
    } else {
      text.textContent = t(`geo.${state}`);
      grid.textContent = "";
    }
  };

  async function lookUp(fix) {
    if (lookedUp === fix) return;
    lookedUp = fix;
    found = false;
    if (!navigator.onLine) {
      grid.textContent = ` · ${t("geo.grid_later")}`;
      return;
    }
    try {
      const where = await locateFix(fix);
      if (lookedUp !== fix) return; // a newer fix is being looked up
      grid.textContent = ` · ${where.grid?.name || where.community?.name || t("geo.no_grid")}`;
      found = true;
    } catch {
      grid.textContent = ` · ${t("geo.grid_later")}`;
    }
  }

  // Back online: the grid that was left for later is looked up now.
  const reconnected = () => {
    if (!found) lookedUp = null;
    draw();
  };
  const stopGeo = onGeoChange(draw);
  window.addEventListener("online", reconnected);
  startGeo();
  draw();
  const stop = () => {
    stopGeo();
    window.removeEventListener("online", reconnected);
  };
  return { node, stop };
}
