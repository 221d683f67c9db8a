// The printable case sheet (工单) of one report, for offices that file paper: what was reported,
// where, who was sent, what they did, how it was checked and rated, and lines to sign.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { formatPoint, formatTime } from "../format.js";
import { label, t } from "../i18n.js";
import { categoryName, loadCategories } from "../reference.js";
import { errorBox, loading } from "../ui.js";
import { ratingStars, timeline } from "./report.js";

function row(term, value) {
  return h("tr", {}, h("th", { scope: "row" }, term), h("td", {}, value ?? "—"));
}

function photoRow(photos, caption) {
  const ready = photos.filter((p) => p.ready && p.thumbnail_url);
  if (!ready.length) return null;
  return row(
    caption,
    h(
      "div",
      { class: "sheet-photos" },
      ready.map((p) => h("img", { src: p.thumbnail_url, alt: caption })),
    ),
  );
}

function tasksTable(tasks) {
  if (!tasks.length) return h("p", {}, t("task.none"));
  return h(
    "table",
    { class: "sheet-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        [
          t("task.unit"),
          t("sheet.dispatched_at"),
          t("task.due_at"),
          t("task.status"),
          t("sheet.result"),
        ].map((title) => h("th", { scope: "col" }, title)),
      ),
    ),
    h(
      "tbody",
      {},
      tasks.map((task) =>
        h(
          "tr",
          { dataset: { taskId: task.id } },
          h("td", {}, task.unit_name || task.unit_code),
          h("td", {}, formatTime(task.created_at)),
          h("td", {}, formatTime(task.due_at)),
          h("td", {}, label("task_status", task.status)),
          h("td", {}, task.result_note || task.return_reason || task.note || "—"),
        ),
      ),
    ),
  );
}

function signatures() {
  const line = (who) =>
    h("div", { class: "sheet-sign" }, h("span", {}, who), h("span", {}, t("sheet.date")));
  return h(
    "div",
    { class: "sheet-signatures" },
    line(t("sheet.sign_unit")),
    line(t("sheet.sign_coordinator")),
  );
}

function sheet(report, events, tasks, categories) {
  const photos = (kind) => report.photos.filter((p) => p.kind === kind);
  const caller = [report.caller_name, report.caller_phone].filter(Boolean).join(" · ");
  return h(
    "article",
    { class: "case-sheet", dataset: { reportId: report.id } },
    h("h1", {}, t("sheet.title")),
    h(
      "div",
      { class: "sheet-meta" },
      h("span", {}, t("sheet.number", { id: report.id })),
      h("span", {}, t("sheet.printed_at", { time: formatTime(new Date().toISOString()) })),
    ),
    h(
      "table",
      { class: "sheet-table sheet-facts" },
      h(
        "tbody",
        {},
        row(t("report.category"), categoryName(categories, report.category)),
        row(t("report.status"), label("status", report.status)),
        report.urgent ? row(t("sheet.urgent"), t("sheet.urgent_yes")) : null,
        row(t("report.channel"), label("channel", report.channel)),
        caller ? row(t("report.caller"), caller) : null,
        row(t("report.created_at"), formatTime(report.created_at)),
        row(t("report.description"), h("div", { class: "prewrap" }, report.description || "—")),
        row(
          t("report.grid"),
          report.grid ? `${report.grid.name}（${report.grid.code}）` : t("report.unassigned"),
        ),
        report.community ? row(t("report.community"), report.community.name) : null,
        row(t("report.point"), formatPoint(report.lat, report.lon)),
        photoRow(photos("before"), t("report.photos")),
        photoRow(photos("after"), t("report.after_photos")),
        report.rejection_reason ? row(t("report.rejection_reason"), report.rejection_reason) : null,
        report.rating ? row(t("report.rating"), ratingStars(report.rating)) : null,
        report.closed_at ? row(t("sheet.closed_at"), formatTime(report.closed_at)) : null,
      ),
    ),
    h("h2", {}, t("report.tasks")),
    tasksTable(tasks),
    h("h2", {}, t("report.timeline")),
    timeline(events),
    signatures(),
  );
}

/** Render the case sheet of report `params.id`, with a print button (not printed). */
export function renderCaseSheet(root, { params, signal }) {
  async function load() {
    root.replaceChildren(loading());
    try {
      const [report, events, tasks, categories] = await Promise.all([
        api.get(`/reports/${params.id}`, {}, { signal }),
        api.get(`/reports/${params.id}/events`, {}, { signal }).then((page) => page.items),
        api.get("/tasks", { report_id: params.id, limit: 100 }, { signal }).then((p) => p.items),
        loadCategories().catch(() => null),
      ]);
      if (signal.aborted) return;
      const print = h("button", { type: "button", class: "btn btn-primary" }, t("sheet.print"));
      print.addEventListener("click", () => window.print());
      const back = h(
        "a",
        { href: `#/reports/${report.id}`, class: "btn btn-ghost" },
        t("action.back"),
      );
      root.replaceChildren(
        h("div", { class: "page-actions no-print" }, back, print),
        sheet(report, events, [...tasks].reverse(), categories),
      );
    } catch (error) {
      if (error.name !== "AbortError") root.replaceChildren(errorBox(error, load));
    }
  }
  load();
}
