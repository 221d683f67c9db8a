// Tasks overview (任务督办) for coordinators: every task in their areas, overdue ones flagged.

import { api } from "../api.js";
import { overdueBadge, taskStatusBadge, urgentBadge } from "../badges.js";
import { h } from "../../../shared/dom.js";
import { formatTime } from "../format.js";
import { label, t } from "../i18n.js";
import { categoryName, loadCategories } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { dataTable, filterSelect, pageHeader, pagedRows } from "../ui.js";

const TASK_STATUSES = ["open", "in_progress", "returned", "completed"];
const PAGE_SIZE = 50;

/** A keyset-paged task list in a table; shared by the coordinator and unit views. */
export function taskList(root, { query, signal, columns, rowProps, emptyText }) {
  const table = dataTable(columns, { rowProps, emptyText });
  const { message, foot, loadPage } = pagedRows(table, (cursor) =>
    api.get("/tasks", { ...query, cursor, limit: PAGE_SIZE }, { signal }),
  );
  root.append(message, table.element, foot);
  return loadPage();
}

/** Columns describing a task's case (the list carries a summary of it). */
export function caseColumns(categories) {
  return [
    {
      title: "",
      label: t("table.flags"),
      class: "col-flag",
      cell: (task) => (task.report?.urgent ? urgentBadge() : ""),
    },
    {
      title: t("report.category"),
      cell: (task) => categoryName(categories, task.report?.category),
    },
    {
      title: t("report.description"),
      class: "col-desc",
      cell: (task) => task.report?.description || "",
    },
  ];
}

/** Row behaviour of a task list: overdue rows flagged, a click opens `pathOf(task)`. */
export function taskRowProps(pathOf) {
  return (task) => ({
    class: task.overdue ? "row-link row-overdue" : "row-link",
    dataset: { taskId: String(task.id) },
    onclick: (event) => {
      if (!event.target.closest("a")) navigate(pathOf(task));
    },
  });
}

/** The status and due-time columns every task list ends with. */
export function taskStateColumns() {
  return [
    { title: t("task.status"), cell: (task) => taskStatusBadge(task.status) },
    {
      title: t("task.due_at"),
      class: "col-time",
      cell: (task) => [formatTime(task.due_at), task.overdue ? overdueBadge() : null],
    },
  ];
}

/** The status filter for task lists. */
export function taskStatusFilter(path, status) {
  return filterSelect(
    t("task.status"),
    "status",
    [{ value: "", label: t("filter.all") }].concat(
      TASK_STATUSES.map((s) => ({ value: s, label: label("task_status", s) })),
    ),
    status,
    (value) => navigate(path, { query: { status: value }, replace: true }),
  );
}

/** Render the coordinator's task overview. */
export async function renderTasks(root, { query, signal }) {
  const status = query.status ?? "";
  root.append(
    pageHeader(t("nav.tasks")),
    h("p", { class: "page-intro" }, t("tasks.intro")),
    h("div", { class: "filters" }, taskStatusFilter("/tasks", status)),
  );
  const categories = await loadCategories().catch(() => null);
  if (signal.aborted) return;
  taskList(root, {
    query: { status },
    signal,
    emptyText: t("task.none"),
    rowProps: taskRowProps((task) => `/reports/${task.report_id}`),
    columns: [
      { title: t("task.id"), class: "col-id", cell: (task) => `#${task.id}` },
      {
        title: t("task.report"),
        class: "col-id",
        cell: (task) => h("a", { href: `#/reports/${task.report_id}` }, `#${task.report_id}`),
      },
      ...caseColumns(categories),
      { title: t("task.unit"), cell: (task) => task.unit_name || task.unit_code },
      ...taskStateColumns(),
    ],
  });
}
