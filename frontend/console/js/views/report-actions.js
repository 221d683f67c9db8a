// The coordinator's commands on a report: accept, reject, merge, dispatch, verify.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { openForm } from "../dialog.js";
import { formatTime, fromLocalInputValue } from "../format.js";
import { label, t } from "../i18n.js";
import { categoryName, loadPresets } from "../reference.js";

const MERGE_TARGETS = new Set(["accepted", "dispatched", "in_progress", "resolved"]);
const DISPATCHABLE = new Set(["accepted", "dispatched", "in_progress"]);

/** The commands that apply to a report in its status: [{key, label, kind, run}]. */
export function commandsFor(report, { units, categories, nearby }) {
  const id = report.id;
  const commands = [];
  if (report.status === "submitted") {
    commands.push({
      key: "accept",
      label: t("action.accept"),
      kind: "primary",
      run: () =>
        openForm({
          title: t("triage.accept_title", { id }),
          fields: [{ name: "note", label: t("triage.note"), type: "textarea", rows: 3 }],
          submitLabel: t("action.accept"),
          onSubmit: (v) => api.post(`/reports/${id}/accept`, { note: v.note || null }),
        }),
    });
    commands.push({
      key: "reject",
      label: t("action.reject"),
      kind: "danger",
      run: async () => {
        const presets = await presetChoice("reject", "reason");
        return openForm({
          title: t("triage.reject_title", { id }),
          intro: h("p", { class: "muted" }, t("triage.reject_intro")),
          fields: [
            ...presets.fields,
            {
              name: "reason",
              label: t("triage.reason"),
              type: "textarea",
              rows: 3,
              required: true,
              maxLength: 500,
            },
          ],
          submitLabel: t("action.reject"),
          danger: true,
          onChange: presets.onChange,
          onSubmit: (v) => api.post(`/reports/${id}/reject`, { reason: v.reason }),
        });
      },
    });
  }
  if (report.status === "submitted" || report.status === "accepted") {
    const targets = nearby.filter((r) => r.id !== id && MERGE_TARGETS.has(r.status));
    commands.push({
      key: "merge",
      label: t("action.merge"),
      kind: "",
      disabled: targets.length === 0,
      hint: targets.length === 0 ? t("triage.merge_none") : null,
      run: () => openMerge(report, targets, categories),
    });
  }
  if (DISPATCHABLE.has(report.status)) {
    commands.push({
      key: "dispatch",
      label: t("action.dispatch"),
      kind: report.status === "accepted" ? "primary" : "",
      run: () => openDispatch(report, units, categories),
    });
  }
  if (report.status === "resolved") {
    commands.push({
      key: "approve",
      label: t("action.approve"),
      kind: "primary",
      run: () =>
        openForm({
          title: t("verify.approve_title", { id }),
          fields: [{ name: "note", label: t("verify.note"), type: "textarea", rows: 3 }],
          submitLabel: t("action.approve"),
          onSubmit: (v) =>
            api.post(`/reports/${id}/verify`, { approved: true, note: v.note || null }),
        }),
    });
    commands.push({
      key: "rework",
      label: t("action.rework"),
      kind: "danger",
      run: () =>
        openForm({
          title: t("verify.rework_title", { id }),
          fields: [
            {
              name: "note",
              label: t("verify.rework_note"),
              type: "textarea",
              rows: 3,
              required: true,
            },
          ],
          submitLabel: t("action.rework"),
          danger: true,
          onSubmit: (v) => api.post(`/reports/${id}/verify`, { approved: false, note: v.note }),
        }),
    });
  }
  // The step the case is waiting for comes first.
  return commands.sort((a, b) => Number(b.kind === "primary") - Number(a.kind === "primary"));
}

/**
 * A select of the admins' presets (常用语) for `purpose` that writes the chosen words into the
 * field `target`, where they may still be edited: {fields, onChange} for openForm. No field when
 * there are no presets or they cannot be read (the words are typed, as before).
 */
export async function presetChoice(purpose, target) {
  const presets = await loadPresets(purpose).catch(() => []);
  if (presets.length === 0) return { fields: [], onChange: undefined };
  let chosen = "";
  return {
    fields: [
      {
        name: "preset",
        label: t("presets.pick"),
        type: "select",
        placeholder: t("presets.own_words"),
        options: presets.map((p) => ({ value: p.text, label: p.text })),
      },
    ],
    // Only a new choice writes: the form's other changes must not undo what was typed.
    onChange: (values, inputs) => {
      if (values.preset === chosen) return;
      chosen = values.preset;
      if (chosen) inputs.get(target).value = chosen;
    },
  };
}

/** Merge into one of the open cases nearby. */
function openMerge(report, targets, categories) {
  return openForm({
    title: t("triage.merge_title", { id: report.id }),
    intro: h("p", { class: "muted" }, t("triage.merge_intro")),
    fields: [
      {
        name: "into",
        label: t("triage.merge_into"),
        type: "select",
        required: true,
        placeholder: t("form.choose"),
        options: targets.map((r) => ({
          value: String(r.id),
          label: [
            `#${r.id}`,
            categoryName(categories, r.category),
            label("status", r.status),
            formatTime(r.created_at),
          ].join(" · "),
        })),
      },
      { name: "note", label: t("triage.note"), type: "textarea", rows: 2 },
    ],
    submitLabel: t("action.merge"),
    onSubmit: (v) =>
      api.post(`/reports/${report.id}/merge`, { into: Number(v.into), note: v.note || null }),
  });
}

/** Units sorted with those of the category's default type first. */
export function unitOptions(units, preferredType) {
  const list = [...units.values()];
  list.sort((a, b) => {
    const rank = (u) => (u.type === preferredType ? 0 : 1);
    return rank(a) - rank(b) || a.name.localeCompare(b.name, "zh-CN");
  });
  return list.map((u) => ({
    value: u.code,
    label: `${u.name}（${label("unit_type", u.type)}）`,
  }));
}

/** Send the case to a handling unit. */
async function openDispatch(report, units, categories) {
  const category = categories?.get(report.category);
  const limit = category
    ? t("dispatch.due_default", { hours: category.time_limit_hours })
    : t("dispatch.due_default_plain");
  const presets = await presetChoice("dispatch", "note");
  return openForm({
    title: t("dispatch.title", { id: report.id }),
    onChange: presets.onChange,
    fields: [
      {
        name: "unit_code",
        label: t("dispatch.unit"),
        type: "select",
        required: true,
        placeholder: t("form.choose"),
        options: unitOptions(units, category?.default_unit_type),
      },
      ...presets.fields,
      { name: "note", label: t("dispatch.note"), type: "textarea", rows: 3 },
      { name: "due_at", label: t("dispatch.due_at"), type: "datetime-local", hint: limit },
    ],
    submitLabel: t("action.dispatch"),
    onSubmit: (v) =>
      api.post(`/reports/${report.id}/tasks`, {
        unit_code: v.unit_code,
        note: v.note || null,
        due_at: fromLocalInputValue(v.due_at),
      }),
  });
}
