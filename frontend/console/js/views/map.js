// 一张图: the coordinator's grids coloured by open reports or overdue cases, and the reports
// in view as markers coloured by status (clusters when many). Clicking a grid or a marker
// filters the queue.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { label, t } from "../i18n.js";
import { heatColour, openMap, STATUS_COLOURS } from "../map-view.js";
import { navigate } from "../../../shared/router.js";
import { errorBox, filterSelect, pageHeader } from "../ui.js";

/** Render the map; `query.by` is "open" (default) or "overdue". */
export function renderMap(root, { query, signal }) {
  const by = query.by === "overdue" ? "overdue" : "open";
  const container = h("div", { class: "map-canvas", dataset: { testid: "area-map" } });
  const status = h("p", { class: "muted", role: "status" });
  const message = h("div");
  root.append(
    pageHeader(t("nav.map")),
    h(
      "div",
      { class: "filters" },
      filterSelect(
        t("map.colour_by"),
        "by",
        [
          { value: "open", label: t("map.by_open") },
          { value: "overdue", label: t("map.by_overdue") },
        ],
        by,
        (value) => navigate("/map", { query: { by: value }, replace: true }),
      ),
    ),
    message,
    container,
    status,
    legend(),
  );
  let view = null;
  let cleanup = () => {};

  async function loadReports() {
    try {
      const answer = await api.get(
        "/map/reports",
        { bbox: view.viewBox(), zoom: view.zoom() },
        { signal },
      );
      if (signal.aborted) return;
      if (answer.markers.length || !answer.clusters.length) {
        view.showPoints(
          answer.markers.map((m) => ({
            ...m,
            colour: STATUS_COLOURS[m.status],
            radius: m.urgent ? 9 : 7,
            label: `#${m.id} · ${label("status", m.status)}`,
            data: { reportId: m.id, status: m.status },
          })),
          { onClick: openMarker },
        );
      } else {
        view.showPoints(
          answer.clusters.map((c) => ({
            ...c,
            colour: STATUS_COLOURS[mostCommon(c.by_status)],
            radius: Math.min(10 + Math.log2(c.count) * 3, 30),
            label: String(c.count),
            permanentLabel: true,
            data: { cluster: c.count },
          })),
          { onClick: (c) => view.zoomTo(c.lat, c.lon) },
        );
      }
      status.textContent = t("map.in_view", { n: answer.total });
    } catch (error) {
      if (error.name !== "AbortError") message.replaceChildren(errorBox(error, loadReports));
    }
  }

  async function start() {
    try {
      const [grids, opened] = await Promise.all([
        api.get("/map/grids", {}, { signal }),
        openMap(container),
      ]);
      view = opened;
      if (signal.aborted) return view.destroy();
      cleanup = () => view.destroy();
      const max = Math.max(0, ...grids.features.map((f) => f.properties[by]));
      view.showGrids(grids.features, {
        style: (p) => ({ fillColor: heatColour(p[by], max) }),
        label: (p) =>
          `${p.name}：${t("map.by_open")} ${p.open} · ${t("map.by_overdue")} ${p.overdue}`,
        onClick: (p) => navigate("/queue", { query: { grid: p.code } }),
      });
      view.fitGrids();
      view.onMove(loadReports);
      loadReports();
    } catch (error) {
      if (error.name !== "AbortError") message.replaceChildren(errorBox(error, start));
    }
  }

  function openMarker(marker) {
    if (marker.grid_code)
      navigate("/queue", { query: { grid: marker.grid_code, status: marker.status } });
    else navigate(`/reports/${marker.id}`);
  }

  start();
  return () => cleanup();
}

function mostCommon(byStatus) {
  return Object.entries(byStatus).sort((a, b) => b[1] - a[1])[0]?.[0] || "submitted";
}

function legend() {
  const used = ["submitted", "accepted", "dispatched", "in_progress", "resolved"];
  return h(
    "ul",
    { class: "map-legend", "aria-label": t("map.legend") },
    used.map((s) => {
      const swatch = h("span", { class: "map-swatch" });
      swatch.style.background = STATUS_COLOURS[s];
      return h("li", {}, swatch, label("status", s));
    }),
  );
}
