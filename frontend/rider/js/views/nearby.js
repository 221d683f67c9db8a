// 身边事: the open problems around the rider, as a list and on a map, each with 我也遇到.

import { api } from "../api.js";
import { categoryByCode } from "../categories.js";
import { h } from "../../../shared/dom.js";
import { currentFix, geoState, onGeoChange, startGeo } from "../geo.js";
import { formatTime, localName, t } from "../i18n.js";
import { icon, ICONS } from "../icons.js";
import { openMap } from "../map-config.js";
import { storedOutlines } from "../outlines.js";
import { emptyBlock, errorBlock, loadingBlock, pageHeader, statusChip } from "../ui.js";
import { joinReport } from "./me-too.js";

const RADIUS_M = 1_000;
const HERE_COLOUR = "#1a4f9f";

export function nearbyView({ root }) {
  const canvas = h("div", { class: "pin-map nearby-map", id: "nearby-map" });
  const list = h("section", { class: "nearby-area", "aria-live": "polite" });
  root.append(
    pageHeader(t("around.title"), { back: "/" }),
    h("p", { class: "hint" }, t("around.hint", { m: RADIUS_M })),
    canvas,
    list,
  );
  let map = null;
  let loadedFor = null;
  let stopped = false;
  const mapReady = openMap(canvas).then(
    (opened) => {
      if (stopped) opened.destroy();
      else map = opened;
    },
    () => {}, // the list is the answer; the map is a view of it
  );

  async function load() {
    const here = currentFix();
    if (!here) {
      list.replaceChildren(
        geoState() === "pending" ? loadingBlock() : emptyBlock(t("around.need_location"), "pin"),
      );
      return;
    }
    if (loadedFor) return;
    loadedFor = here;
    list.replaceChildren(loadingBlock());
    try {
      const { items } = await api("/reports/nearby", {
        query: { lat: here.lat, lon: here.lon, crs: "wgs84", radius_m: RADIUS_M },
      });
      if (stopped) return;
      draw(here, items);
    } catch (error) {
      loadedFor = null;
      list.replaceChildren(errorBlock(error, load));
    }
  }

  async function draw(here, items) {
    list.replaceChildren(
      items.length
        ? h("ul", { class: "nearby-list" }, items.map(itemRow))
        : emptyBlock(t("around.none"), "check"),
    );
    const [outlines] = await Promise.all([storedOutlines(), mapReady]);
    if (!map) return;
    if (outlines) {
      map.showGrids(
        outlines.features.filter((f) => f.properties.level === "grid"),
        {
          style: () => ({ fillOpacity: 0.08 }),
        },
      );
    }
    // The rider's own dot last, so that it stays on top of a report at the same spot.
    map.showPoints([
      ...items.map((item) => ({
        lat: item.lat,
        lon: item.lon,
        label: localName(categoryByCode(item.category)),
        data: { reportId: String(item.id) },
      })),
      { lat: here.lat, lon: here.lon, colour: HERE_COLOUR, radius: 6, label: t("around.you") },
    ]);
    map.focus(here.lat, here.lon, 15);
  }

  const stopGeo = onGeoChange(load);
  startGeo();
  load();
  return () => {
    stopped = true;
    stopGeo();
    map?.destroy();
  };
}

function itemRow(item) {
  const join = h(
    "button",
    {
      class: "button small secondary",
      type: "button",
      onclick: async () => {
        if (!(await joinReport(join, item.id))) return;
        join.replaceWith(
          h(
            "a",
            { class: "button small secondary", href: `#/reports/${item.id}` },
            t("around.joined"),
          ),
        );
      },
    },
    t("new.same_yes"),
  );
  return h(
    "li",
    { class: "nearby-item", dataset: { reportId: String(item.id) } },
    item.thumbnail_url
      ? h("img", { src: item.thumbnail_url, alt: "", loading: "lazy" })
      : h("span", { class: "thumb" }, icon(ICONS.pin)),
    h(
      "div",
      { class: "nearby-body" },
      h("p", {}, localName(categoryByCode(item.category)), " ", statusChip(item.status)),
      h(
        "p",
        { class: "meta" },
        t("new.distance", { m: Math.round(item.distance_m) }),
        " · ",
        formatTime(item.created_at),
      ),
    ),
    join,
  );
}
