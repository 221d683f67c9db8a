// Figures of an area (统计分析): counts by status and category, 结案率, 按期结案率, 返工率,
// median time to close and what is overdue now; charts over time, a league table of the grids,
// the overdue list and the hotspot map.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { formatCount, formatHours, formatPercent } from "../format.js";
import { getLang, label, t } from "../i18n.js";
import { heatColour, openMap } from "../map-view.js";
import { loadCommunities } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { errorBox, filterSelect, loading, pageHeader, panel } from "../ui.js";
import { REPORT_STATUSES } from "./queue.js";

function card(title, value, { tone = "", hint = "" } = {}) {
  return h(
    "div",
    { class: `kpi ${tone}`.trim() },
    h("div", { class: "kpi-title" }, title),
    h("div", { class: "kpi-value" }, value),
    hint ? h("div", { class: "kpi-hint" }, hint) : null,
  );
}

/** Horizontal bars: [{label, count}]; widths relative to the largest. */
function bars(rows) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  if (!rows.length) return h("p", { class: "muted" }, t("table.empty"));
  return h(
    "div",
    { class: "bars" },
    rows.map((row) =>
      h(
        "div",
        { class: "bar-row" },
        h("span", { class: "bar-label", title: row.label }, row.label),
        h("span", { class: "bar-track" }, barFill(row, max)),
        h("span", { class: "bar-count" }, formatCount(row.count)),
      ),
    ),
  );
}

function dateInput(name, value, onChange) {
  return h(
    "label",
    { class: "filter" },
    h("span", {}, t(`stats.${name}`)),
    h("input", {
      type: "date",
      name,
      value: value || "",
      onchange: (event) => onChange(event.target.value),
    }),
  );
}

/** Render the figures for `query.area` (default: all the caller's areas) and period. */
export async function renderStats(root, { query, signal }) {
  const filters = { area: query.area ?? "", from: query.from ?? "", to: query.to ?? "" };
  const set = (name, value) =>
    navigate("/stats", { query: { ...filters, [name]: value }, replace: true });
  const areaSlot = h("span");
  const body = h("div", {}, loading());
  root.append(
    pageHeader(t("nav.stats")),
    h(
      "div",
      { class: "filters" },
      areaSlot,
      dateInput("from", filters.from, (v) => set("from", v)),
      dateInput("to", filters.to, (v) => set("to", v)),
    ),
    body,
  );

  const communities = await loadCommunities().catch(() => []);
  if (signal.aborted) return;
  const streets = new Map();
  communities.forEach(
    (c) => c.street_code && streets.set(c.street_code, c.street_name || c.street_code),
  );
  areaSlot.replaceChildren(
    filterSelect(
      t("filter.area"),
      "area",
      [{ value: "", label: t("stats.all_areas") }].concat(
        [...streets].map(([code, name]) => ({
          value: code,
          label: name,
          group: t("area.streets"),
        })),
        communities.map((c) => ({ value: c.code, label: c.name, group: t("area.communities") })),
      ),
      filters.area,
      (v) => set("area", v),
    ),
  );

  let figures, league, charts;
  try {
    // Plain dates: the API reads them in the work calendar's time zone. The charts' module
    // (and ECharts with it) is imported here, so that the console's first load carries neither.
    [figures, league, charts] = await Promise.all([
      api.get("/stats", filters, { signal }),
      api.get("/stats/league", filters, { signal }),
      import("./stats-charts.js"),
    ]);
  } catch (error) {
    if (error.name !== "AbortError")
      body.replaceChildren(errorBox(error, () => set("area", filters.area)));
    return;
  }
  const byStatus = figures.by_status || {};
  const byCategory = (figures.by_category || []).map((c) => ({
    label: getLang() === "en" ? c.name_en : c.name_zh,
    count: c.count,
  }));
  body.replaceChildren(
    h(
      "div",
      { class: "kpis" },
      card(t("stats.received"), formatCount(figures.received)),
      card(t("stats.cases"), formatCount(figures.cases)),
      card(t("stats.closure_rate"), formatPercent(figures.closure_rate), {
        hint: t("stats.closure_hint", {
          closed: figures.closed ?? 0,
          due: figures.due_to_close ?? 0,
        }),
      }),
      card(t("stats.on_time_rate"), formatPercent(figures.on_time_closure_rate), {
        hint: t("stats.on_time_hint", { n: figures.closed_on_time ?? 0 }),
      }),
      card(t("stats.rework_rate"), formatPercent(figures.rework_rate), {
        hint: t("stats.rework_hint", { n: figures.reworked ?? 0 }),
      }),
      card(t("stats.median_close"), formatHours(figures.median_hours_to_close)),
      card(t("stats.overdue_now"), formatCount(figures.overdue_now), {
        tone: figures.overdue_now ? "kpi-alert" : "",
      }),
    ),
    h(
      "div",
      { class: "two-columns" },
      panel(
        t("stats.by_status"),
        bars(
          REPORT_STATUSES.map((s) => ({
            label: label("status", s),
            count: byStatus[s] || 0,
            class: `fill-${s}`,
          })),
        ),
      ),
      panel(t("stats.by_category"), bars(byCategory)),
    ),
    charts.receivedChart(figures, signal),
    h(
      "div",
      { class: "two-columns" },
      charts.funnelChart(figures, signal),
      charts.ratesChart(figures, signal),
    ),
    charts.gridLeague(league.items),
    charts.overdueList(filters, figures.overdue_now, signal),
    panel(t("stats.hotspots"), hotspotMap(filters, signal)),
  );
}

/** Grids shaded by the period's reports (GET /map/hotspots, counted as /stats counts). */
function hotspotMap(filters, signal) {
  const container = h("div", { class: "map-canvas", dataset: { testid: "hotspot-map" } });
  const note = h("p", { class: "muted", role: "status" });
  Promise.all([
    api.get("/map/grids", {}, { signal }),
    api.get("/map/hotspots", filters, { signal }),
    openMap(container),
  ])
    .then(([grids, hotspots, view]) => {
      if (signal.aborted) return view.destroy();
      signal.addEventListener("abort", () => view.destroy());
      const received = new Map(hotspots.items.map((spot) => [spot.code, spot.received]));
      const max = Math.max(0, ...received.values());
      const shown = filters.area
        ? grids.features.filter((f) => received.has(f.properties.code))
        : grids.features;
      view.showGrids(shown, {
        style: (p) => ({ fillColor: heatColour(received.get(p.code) || 0, max), fillOpacity: 0.7 }),
        label: (p) => `${p.name}：${formatCount(received.get(p.code) || 0)}`,
        onClick: (p) => navigate("/queue", { query: { grid: p.code } }),
      });
      view.fitGrids();
      note.textContent = hotspots.items.length
        ? hotspots.items
            .slice(0, 5)
            .map((spot) => `${spot.name} ${formatCount(spot.received)}`)
            .join(" · ")
        : t("stats.hotspots_none");
    })
    .catch((error) => {
      if (error.name !== "AbortError") note.replaceChildren(errorBox(error));
    });
  return h("div", {}, container, note);
}

/** The bar's length is set through the CSSOM: the CSP refuses style="" attributes. */
function barFill(row, max) {
  const fill = h("span", { class: `bar-fill ${row.class || ""}` });
  fill.style.width = `${(row.count / max) * 100}%`;
  return fill;
}
