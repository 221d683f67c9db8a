// The report queue (上报队列): filters, keyset "load more", live urgent arrivals. The API puts
// urgent reports first for staff, so pages arrive in queue order.

import { api } from "../api.js";
import { reportStatusBadge, urgentBadge } from "../badges.js";
import { append, h } from "../../../shared/dom.js";
import { formatTime } from "../format.js";
import { label, t } from "../i18n.js";
import { categoryName, loadAreas, loadCategories, loadCommunities } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { busy, dataTable, describeError, errorBox, filterSelect, pageHeader } from "../ui.js";
import { downloadFile } from "../download.js";
import { onLiveReport } from "../live-stream.js";
import { bulkActions } from "./bulk-actions.js";

export const REPORT_STATUSES = [
  "submitted",
  "accepted",
  "rejected",
  "duplicate",
  "dispatched",
  "in_progress",
  "resolved",
  "closed",
];
const PAGE_SIZE = 50;
const DESCRIPTION_CHARS = 60;

/** Whether a live report belongs in the queue as filtered. */
function matchesFilters(report, filters, unassignedOnly) {
  if (filters.status && report.status !== filters.status) return false;
  if (filters.category && report.category !== filters.category) return false;
  if (filters.urgent === "false") return false;
  // The text match and an end date are the server's to judge: a searched view takes no arrivals.
  if (filters.q || filters.to) return false;
  if (unassignedOnly && report.grid) return false;
  // A street filter cannot be checked on the event alone; the banner still shows the report.
  if (filters.grid && ![report.grid?.code, report.community?.code].includes(filters.grid))
    return false;
  return true;
}

/** Area filter choices: streets, communities and grids (the API takes any area code). */
function areaOptions(communities, grids) {
  const streets = new Map();
  communities.forEach(
    (c) => c.street_code && streets.set(c.street_code, c.street_name || c.street_code),
  );
  return [{ value: "", label: t("filter.all") }].concat(
    [...streets].map(([code, name]) => ({ value: code, label: name, group: t("area.streets") })),
    communities.map((c) => ({ value: c.code, label: c.name, group: t("area.communities") })),
    grids.map((g) => ({ value: g.code, label: g.name, group: t("area.grids") })),
  );
}

function gridCell(report) {
  if (report.grid) return report.grid.name;
  const text = report.community
    ? t("report.unassigned_near", { community: report.community.name })
    : t("report.unassigned");
  return h("span", { class: "badge plain warn" }, text);
}

function shorten(text) {
  if (!text) return "";
  return text.length > DESCRIPTION_CHARS ? `${text.slice(0, DESCRIPTION_CHARS)}…` : text;
}

/** The search box: an id, words of the description, or a caller's phone (on Enter). */
function searchBox(value, onSearch) {
  const input = h("input", {
    type: "search",
    name: "q",
    value,
    maxlength: 100,
    placeholder: t("filter.search_hint"),
  });
  const submit = (event) => {
    event.preventDefault();
    onSearch(input.value.trim());
  };
  return h(
    "form",
    { class: "filter-form", onsubmit: submit },
    h("label", { class: "filter" }, h("span", {}, t("filter.search")), input),
  );
}

function dateFilter(labelText, name, value, onChange) {
  const input = h("input", {
    type: "date",
    name,
    value,
    onchange: (event) => onChange(event.target.value),
  });
  return h("label", { class: "filter" }, h("span", {}, labelText), input);
}

/** The API's `to` is exclusive: a chosen last day includes that whole day. */
function nextDay(date) {
  if (!date) return "";
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/** Download what the filter shows, as CSV, XLSX or GeoJSON. */
function exportBar(currentQuery) {
  const status = h("span", { class: "muted", role: "status" });
  const button = (format, text) => {
    const node = h("button", { type: "button", class: "btn" }, text);
    node.addEventListener("click", () =>
      busy(node, async () => {
        status.textContent = t("export.running");
        try {
          await downloadFile("/reports/export", { ...currentQuery(), format });
          status.textContent = "";
        } catch (error) {
          status.textContent = describeError(error);
        }
      }),
    );
    return node;
  };
  return h(
    "div",
    { class: "export-bar", role: "group", "aria-label": t("export.title") },
    h("span", {}, t("export.title")),
    button("csv", "CSV"),
    button("xlsx", "Excel"),
    button("geojson", "GeoJSON"),
    status,
  );
}

/** Render the queue; `unassignedOnly` shows the reports that fell in no grid. */
export function renderQueue(root, { account, query, signal }, { unassignedOnly = false } = {}) {
  const path = unassignedOnly ? "/unassigned" : "/queue";
  const filters = {
    status: query.status ?? "submitted",
    grid: query.grid ?? "",
    category: query.category ?? "",
    urgent: query.urgent ?? "",
    q: query.q ?? "",
    from: query.from ?? "",
    to: query.to ?? "",
  };
  const setFilter = (name, value) =>
    navigate(path, { query: { ...filters, [name]: value }, replace: true });

  let categories = null;
  const seen = new Set();
  // Only a grid's coordinator triages; admins and units read the queue.
  const bulk =
    account.role === "coordinator" ? bulkActions({ categories: () => categories }) : null;
  const table = dataTable(
    [
      bulk?.column,
      {
        title: t("report.id"),
        class: "col-id",
        cell: (r) => h("a", { href: `#/reports/${r.id}` }, `#${r.id}`),
      },
      {
        title: "",
        label: t("table.flags"),
        class: "col-flag",
        cell: (r) => (r.urgent ? urgentBadge() : ""),
      },
      { title: t("report.category"), cell: (r) => categoryName(categories, r.category) },
      {
        title: t("report.description"),
        class: "col-desc",
        cell: (r) => shorten(r.description),
      },
      { title: t("report.grid"), cell: gridCell },
      { title: t("report.channel"), cell: (r) => label("channel", r.channel) },
      { title: t("report.status"), cell: (r) => reportStatusBadge(r.status) },
      {
        title: t("report.created_at"),
        class: "col-time",
        cell: (r) => formatTime(r.created_at),
      },
    ].filter(Boolean),
    {
      emptyText: unassignedOnly ? t("queue.unassigned_empty") : t("queue.empty"),
      caption: t(unassignedOnly ? "nav.unassigned" : "nav.queue"),
      rowProps: (r) => ({
        class: r.urgent ? "row-link row-urgent" : "row-link",
        dataset: { reportId: String(r.id) },
        onclick: (event) => {
          if (!event.target.closest("a, input")) navigate(`/reports/${r.id}`);
        },
      }),
    },
  );

  const shownCount = h("span", { class: "muted", role: "status" });
  const moreButton = h(
    "button",
    { type: "button", class: "btn", hidden: true },
    t("queue.load_more"),
  );
  const message = h("div");
  const gridFilter = h("span");
  const categoryFilter = h("span");

  const statusOptions = [{ value: "", label: t("filter.all") }].concat(
    REPORT_STATUSES.map((s) => ({ value: s, label: label("status", s) })),
  );
  append(root, [
    pageHeader(
      t(unassignedOnly ? "nav.unassigned" : "nav.queue"),
      h(
        "button",
        {
          type: "button",
          class: "btn",
          onclick: () => navigate(path, { query: filters, replace: true }),
        },
        t("action.refresh"),
      ),
    ),
    unassignedOnly ? h("p", { class: "page-intro" }, t("queue.unassigned_intro")) : null,
    h(
      "div",
      { class: "filters", role: "search" },
      filterSelect(t("report.status"), "status", statusOptions, filters.status, (v) =>
        setFilter("status", v),
      ),
      gridFilter,
      categoryFilter,
      filterSelect(
        t("filter.urgency"),
        "urgent",
        [
          { value: "", label: t("filter.all") },
          { value: "true", label: t("filter.urgent_only") },
          { value: "false", label: t("filter.not_urgent") },
        ],
        filters.urgent,
        (v) => setFilter("urgent", v),
      ),
      searchBox(filters.q, (v) => setFilter("q", v)),
      dateFilter(t("filter.from"), "from", filters.from, (v) => setFilter("from", v)),
      dateFilter(t("filter.to"), "to", filters.to, (v) => setFilter("to", v)),
    ),
    exportBar(() => ({ ...listQuery, limit: null })),
    bulk ? bulk.bar : null,
    message,
    table.element,
    h("div", { class: "table-foot" }, shownCount, moreButton),
  ]);

  const listQuery = {
    status: filters.status,
    category: filters.category,
    urgent: filters.urgent,
    grid: filters.grid,
    q: filters.q,
    from: filters.from,
    to: nextDay(filters.to),
    unassigned: unassignedOnly ? "true" : null,
    limit: PAGE_SIZE,
  };
  let cursor = null;
  let exhausted = false;

  // The queue lists urgent reports first: a new ordinary one goes first among the ordinary ones.
  function keepUrgentFirst(node) {
    if (node.classList.contains("row-urgent")) return;
    const ordinary = [...table.tbody.children].find(
      (row) => row !== node && row.dataset.reportId && !row.classList.contains("row-urgent"),
    );
    if (ordinary) table.tbody.insertBefore(node, ordinary);
    else table.tbody.append(node);
  }

  function show(reports, { prepend = false, fresh = false } = {}) {
    const rows = reports.filter((r) => !seen.has(r.id));
    rows.forEach((r) => seen.add(r.id));
    if (!rows.length) return;
    bulk?.track(rows);
    const nodes = table.addRows(rows, { prepend });
    if (fresh) nodes.forEach((node) => node.classList.add("row-new"));
    if (prepend) nodes.forEach(keepUrgentFirst);
    shownCount.textContent = t("queue.shown", { n: seen.size });
  }

  async function loadPage() {
    const page = await api.get("/reports", { ...listQuery, cursor }, { signal });
    cursor = page.next_cursor;
    exhausted = !cursor;
    show(page.items);
  }

  async function loadMore() {
    message.replaceChildren();
    try {
      await loadPage();
    } catch (error) {
      if (error.name === "AbortError") return;
      message.replaceChildren(errorBox(error, loadMore));
    }
    moreButton.hidden = exhausted;
    if (!seen.size) shownCount.textContent = "";
  }
  moreButton.addEventListener("click", () => busy(moreButton, loadMore));

  async function start() {
    categories = await loadCategories().catch(() => null);
    if (signal.aborted) return;
    categoryFilter.replaceChildren(
      filterSelect(
        t("report.category"),
        "category",
        [{ value: "", label: t("filter.all") }].concat(
          [...(categories?.values() ?? [])].map((c) => ({
            value: c.code,
            label: categoryName(categories, c.code),
          })),
        ),
        filters.category,
        (v) => setFilter("category", v),
      ),
    );
    // The first page need not wait for the area choices.
    const firstPage = loadMore();
    const [communities, grids] = await Promise.all([
      loadCommunities().catch(() => []),
      unassignedOnly ? [] : loadAreas("grid").catch(() => []),
    ]);
    if (!signal.aborted) {
      gridFilter.replaceChildren(
        filterSelect(t("filter.area"), "grid", areaOptions(communities, grids), filters.grid, (v) =>
          setFilter("grid", v),
        ),
      );
    }
    await firstPage;
  }
  start();

  return onLiveReport((report) => {
    if (!matchesFilters(report, filters, unassignedOnly) || seen.has(report.id)) return;
    show([report], { prepend: true, fresh: true });
  });
}
