// Bulk actions on the queue: pick reports (a box per row, or all on the page), then accept them,
// merge them into one case or dispatch them to one unit; one result line per report.

import { api } from "../api.js";
import { newClientId } from "../../../shared/client-id.js";
import { h } from "../../../shared/dom.js";
import { openForm } from "../dialog.js";
import { t } from "../i18n.js";
import { categoryName, loadUnits } from "../reference.js";
import { presetChoice, unitOptions } from "./report-actions.js";

/**
 * The selection and the bar that acts on it. Returns {column, bar, track(reports)}: `column` is
 * the queue table's first column, `track` is called with each page of reports shown.
 * `categories()` gives the categories once loaded (null before).
 */
export function bulkActions({ categories }) {
  const shown = new Map();
  const boxes = new Map();
  const selected = new Map();
  const count = h("span", { class: "bulk-count", role: "status" });
  const results = h("ol", { class: "bulk-results", "aria-live": "polite" });
  const pickAll = h("input", {
    type: "checkbox",
    name: "pick-all",
    "aria-label": t("bulk.pick_all"),
    onchange: () => {
      const on = pickAll.checked;
      boxes.forEach((box, id) => {
        box.checked = on;
        choose(id, on);
      });
    },
  });

  function choose(id, on) {
    if (on) selected.set(id, shown.get(id));
    else selected.delete(id);
    refresh();
  }

  const buttons = {
    accept: actionButton("accept", () => openAccept([...selected.values()])),
    merge: actionButton("merge", () => openMerge([...selected.values()], categories())),
    dispatch: actionButton("dispatch", () => openDispatch([...selected.values()], categories())),
  };

  function actionButton(key, open) {
    return h(
      "button",
      {
        type: "button",
        class: "btn",
        dataset: { bulk: key },
        onclick: async () => {
          const lines = await open();
          if (lines) showResults(lines);
        },
      },
      t(`bulk.${key}`),
    );
  }

  function refresh() {
    count.textContent = t("bulk.selected", { n: selected.size });
    buttons.accept.disabled = selected.size === 0;
    buttons.dispatch.disabled = selected.size === 0;
    buttons.merge.disabled = selected.size < 2;
    pickAll.checked = boxes.size > 0 && selected.size === boxes.size;
  }

  function showResults(lines) {
    results.replaceChildren(
      ...lines.map((line) =>
        h(
          "li",
          { class: `bulk-line bulk-${line.outcome}`, dataset: { reportId: String(line.id) } },
          h("a", { href: `#/reports/${line.id}` }, `#${line.id}`),
          " ",
          h("strong", {}, t(`bulk.outcome.${line.outcome}`)),
          line.detail ? h("span", { class: "muted" }, ` ${line.detail}`) : null,
        ),
      ),
    );
    boxes.forEach((box) => (box.checked = false));
    selected.clear();
    refresh();
  }

  refresh();
  return {
    column: {
      title: pickAll,
      class: "col-pick",
      cell: (report) => {
        const box = h("input", {
          type: "checkbox",
          name: "pick",
          value: String(report.id),
          "aria-label": t("bulk.pick", { id: report.id }),
          onchange: () => choose(report.id, box.checked),
        });
        boxes.set(report.id, box);
        return box;
      },
    },
    bar: h(
      "div",
      { class: "bulk-bar", role: "group", "aria-label": t("bulk.title") },
      count,
      buttons.accept,
      buttons.merge,
      buttons.dispatch,
      results,
    ),
    track(reports) {
      reports.forEach((report) => shown.set(report.id, report));
      refresh();
    },
  };
}

/**
 * POST /reports/bulk; a retry of the same body (the dialog sent again after an error) keeps its
 * client_id, so the server answers the lines it wrote instead of acting twice.
 */
function bulkSender() {
  const ids = new Map();
  return async (body) => {
    const key = JSON.stringify(body);
    if (!ids.has(key)) ids.set(key, newClientId());
    const answer = await api.post("/reports/bulk", { ...body, client_id: ids.get(key) });
    return answer.results;
  };
}

/** The reports as the bulk request names them: with the time the queue saw each one. */
function seen(reports) {
  return reports.map((r) => ({ id: r.id, updated_at: r.updated_at }));
}

function openAccept(reports) {
  const send = bulkSender();
  return openForm({
    title: t("bulk.accept_title", { n: reports.length }),
    fields: [{ name: "note", label: t("triage.note"), type: "textarea", rows: 3 }],
    submitLabel: t("bulk.accept"),
    onSubmit: (v) => send({ action: "accept", reports: seen(reports), note: v.note || null }),
  });
}

/** Merge into one case: the coordinator picks the main report; a new one is accepted first. */
function openMerge(reports, categories) {
  const send = bulkSender();
  return openForm({
    title: t("bulk.merge_title", { n: reports.length }),
    intro: h("p", { class: "muted" }, t("bulk.merge_intro")),
    fields: [
      {
        name: "main",
        label: t("bulk.merge_main"),
        type: "select",
        required: true,
        placeholder: t("form.choose"),
        options: reports.map((r) => ({
          value: String(r.id),
          label: [
            `#${r.id}`,
            categoryName(categories, r.category),
            r.description.slice(0, 30),
          ].join(" · "),
        })),
      },
      { name: "note", label: t("triage.note"), type: "textarea", rows: 2 },
    ],
    submitLabel: t("bulk.merge"),
    onSubmit: async (v) => {
      const main = reports.find((r) => String(r.id) === v.main);
      if (main.status === "submitted") {
        Object.assign(main, await api.post(`/reports/${main.id}/accept`, { note: null }));
      }
      const others = reports.filter((r) => r !== main);
      return send({ action: "merge", into: main.id, reports: seen(others), note: v.note || null });
    },
  });
}

async function openDispatch(reports, categories) {
  const [units, presets] = await Promise.all([
    loadUnits().catch(() => new Map()),
    presetChoice("dispatch", "note"),
  ]);
  const send = bulkSender();
  const types = new Set(reports.map((r) => categories?.get(r.category)?.default_unit_type));
  return openForm({
    title: t("bulk.dispatch_title", { n: reports.length }),
    onChange: presets.onChange,
    fields: [
      {
        name: "unit_code",
        label: t("dispatch.unit"),
        type: "select",
        required: true,
        placeholder: t("form.choose"),
        options: unitOptions(units, types.size === 1 ? [...types][0] : null),
      },
      ...presets.fields,
      { name: "note", label: t("dispatch.note"), type: "textarea", rows: 3 },
    ],
    submitLabel: t("bulk.dispatch"),
    onSubmit: (v) =>
      send({
        action: "dispatch",
        unit_code: v.unit_code,
        reports: seen(reports),
        note: v.note || null,
      }),
  });
}
