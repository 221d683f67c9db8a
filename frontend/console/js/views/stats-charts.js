// The charts and league tables of the figures page, each drawn from GET /stats (or, for the
// league and the overdue list, GET /stats/league and /stats/overdue) and shown beside a table of the same numbers.

import { api } from "../api.js";
import { overdueBadge } from "../badges.js";
import { chartWithTable } from "../charts.js";
import { h } from "../../../shared/dom.js";
import { formatCount, formatHours, formatPercent, formatTime } from "../format.js";
import { getLang, t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { dataTable, errorBox, panel } from "../ui.js";

// The funnel's stages: the statuses a report has reached at least.
const FUNNEL = [
  ["received", null],
  ["accepted", ["accepted", "dispatched", "in_progress", "resolved", "closed"]],
  ["dispatched", ["dispatched", "in_progress", "resolved", "closed"]],
  ["resolved", ["resolved", "closed"]],
  ["closed", ["closed"]],
];
const RATES = ["closure_rate", "on_time_closure_rate", "rework_rate"];
const OVERDUE_SHOWN = 20;

function categoryName(category) {
  return getLang() === "en" ? category.name_en : category.name_zh;
}

/** A point's label on the time axis: the day, or the month. */
function pointLabel(point, step) {
  return step === "day" ? point.start : point.start.slice(0, 7);
}

function table(columns, rows, caption) {
  const built = dataTable(columns, { caption });
  built.addRows(rows);
  return built.element;
}

/** Reports per day (or month) by category: stacked bars. */
export function receivedChart(figures, signal) {
  const { step, points } = figures.series;
  const categories = figures.by_category;
  const labels = points.map((point) => pointLabel(point, step));
  const title = t(step === "day" ? "stats.per_day" : "stats.per_month");
  const option = {
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 56 },
    xAxis: { type: "category", data: labels },
    yAxis: { type: "value", minInterval: 1 },
    series: categories.map((category) => ({
      id: category.code,
      name: categoryName(category),
      type: "bar",
      stack: "received",
      data: points.map((point) => point.by_category[category.code] || 0),
    })),
  };
  const columns = [
    { title: t("stats.period"), cell: (point) => pointLabel(point, step) },
    ...categories.map((category) => ({
      title: categoryName(category),
      class: "col-num",
      cell: (point) => formatCount(point.by_category[category.code] || 0),
    })),
    { title: t("stats.received"), class: "col-num", cell: (p) => formatCount(p.received) },
  ];
  return panel(
    title,
    chartWithTable("received", title, option, table(columns, points, title), signal),
  );
}

/** How far the period's reports have come: received, accepted, dispatched, resolved, closed. */
export function funnelChart(figures, signal) {
  const byStatus = figures.by_status || {};
  const stages = FUNNEL.map(([key, statuses]) => ({
    key,
    name: t(`stats.funnel_${key}`),
    value: statuses
      ? statuses.reduce((sum, status) => sum + (byStatus[status] || 0), 0)
      : figures.received,
  }));
  const title = t("stats.funnel");
  const option = {
    tooltip: { trigger: "item" },
    series: [
      {
        type: "funnel",
        sort: "none",
        minSize: "8%",
        label: { formatter: "{b}：{c}" },
        data: stages.map(({ name, value }) => ({ name, value })),
      },
    ],
  };
  const columns = [
    { title: t("stats.stage"), cell: (stage) => stage.name },
    { title: t("stats.reports"), class: "col-num", cell: (stage) => formatCount(stage.value) },
  ];
  return panel(
    title,
    chartWithTable("funnel", title, option, table(columns, stages, title), signal),
  );
}

/** 结案率, 按期结案率 and 返工率 point by point (no line where nothing was due). */
export function ratesChart(figures, signal) {
  const { step, points } = figures.series;
  const title = t("stats.rates_over_time");
  const names = {
    closure_rate: t("stats.closure_rate"),
    on_time_closure_rate: t("stats.on_time_rate"),
    rework_rate: t("stats.rework_rate"),
  };
  const option = {
    tooltip: { trigger: "axis", valueFormatter: formatPercent },
    legend: { bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: 48 },
    xAxis: { type: "category", data: points.map((point) => pointLabel(point, step)) },
    yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: formatPercent } },
    series: RATES.map((rate) => ({
      id: rate,
      name: names[rate],
      type: "line",
      connectNulls: true,
      data: points.map((point) => point[rate]),
    })),
  };
  const columns = [
    { title: t("stats.period"), cell: (point) => pointLabel(point, step) },
    ...RATES.map((rate) => ({
      title: names[rate],
      class: "col-num",
      cell: (point) => formatPercent(point[rate]),
    })),
  ];
  return panel(
    title,
    chartWithTable("rates", title, option, table(columns, points, title), signal),
  );
}

/** The grids of the area, best 按期结案率 first (GET /stats/league's items). */
export function gridLeague(rows) {
  const columns = [
    { title: t("stats.rank"), class: "col-num", cell: (row) => String(row.rank) },
    { title: t("stats.grid"), cell: (row) => row.name },
    { title: t("stats.received"), class: "col-num", cell: (row) => formatCount(row.received) },
    {
      title: t("stats.due_to_close"),
      class: "col-num",
      cell: (row) => formatCount(row.due_to_close),
    },
    {
      title: t("stats.on_time_rate"),
      class: "col-num",
      cell: (row) => formatPercent(row.on_time_closure_rate),
    },
    {
      title: t("stats.median_close"),
      class: "col-num",
      cell: (row) => formatHours(row.median_hours_to_close),
    },
    {
      title: t("stats.rework_rate"),
      class: "col-num",
      cell: (row) => formatPercent(row.rework_rate),
    },
  ];
  const built = dataTable(columns, {
    caption: t("stats.grid_league"),
    emptyText: t("stats.league_empty"),
    rowProps: (row) => ({
      class: "row-link",
      dataset: { gridCode: row.code },
      onclick: () => navigate("/queue", { query: { grid: row.code } }),
    }),
  });
  built.addRows(rows.map((row, index) => ({ ...row, rank: index + 1 })));
  return panel(t("stats.grid_league"), built.element);
}

/** The area's tasks overdue now, longest overdue first. */
export function overdueList(filters, overdueNow, signal) {
  const columns = [
    {
      title: t("task.report"),
      class: "col-id",
      cell: (task) => h("a", { href: `#/reports/${task.report_id}` }, `#${task.report_id}`),
    },
    { title: t("task.unit"), cell: (task) => task.unit_name || task.unit_code },
    {
      title: t("task.due_at"),
      class: "col-time",
      cell: (task) => [formatTime(task.due_at), overdueBadge()],
    },
  ];
  const built = dataTable(columns, {
    caption: t("stats.overdue_list"),
    emptyText: t("stats.overdue_none"),
    rowProps: (task) => ({ dataset: { taskId: String(task.id) } }),
  });
  const note = h("p", { class: "muted" });
  const body = h("div", {}, built.element, note);
  api
    .get("/stats/overdue", { area: filters.area, limit: OVERDUE_SHOWN }, { signal })
    .then((page) => {
      built.addRows(page.items);
      if (overdueNow > page.items.length)
        note.textContent = t("stats.overdue_more", { n: overdueNow - page.items.length });
    })
    .catch((error) => {
      if (error.name !== "AbortError") body.replaceChildren(errorBox(error));
    });
  return panel(t("stats.overdue_list"), body);
}
