// A handling unit's tasks (我的任务): accept, hand back with a reason, complete with photos.

import { api } from "../api.js";
import { overdueBadge, reportStatusBadge, taskStatusBadge, urgentBadge } from "../badges.js";
import { h } from "../../../shared/dom.js";
import { openForm } from "../dialog.js";
import { formatPoint, formatTime } from "../format.js";
import { t } from "../i18n.js";
import { photoStrip } from "../photos.js";
import { categoryName, loadCategories } from "../reference.js";
import { toast } from "../toast.js";
import { errorBox, facts, loading, pageHeader, panel } from "../ui.js";
import {
  caseColumns,
  taskList,
  taskRowProps,
  taskStateColumns,
  taskStatusFilter,
} from "./tasks.js";

const PHOTO_TYPES = "image/jpeg,image/png,image/heic,image/heif,image/webp";

/** Render the unit's task list. */
export async function renderMyTasks(root, { query, signal }) {
  const status = query.status ?? "";
  root.append(
    pageHeader(t("nav.my_tasks")),
    h("div", { class: "filters" }, taskStatusFilter("/my-tasks", status)),
  );
  const categories = await loadCategories().catch(() => null);
  if (signal.aborted) return;
  taskList(root, {
    query: { status },
    signal,
    emptyText: t("my_tasks.empty"),
    rowProps: taskRowProps((task) => `/my-tasks/${task.id}`),
    columns: [
      {
        title: t("task.id"),
        class: "col-id",
        cell: (task) => h("a", { href: `#/my-tasks/${task.id}` }, `#${task.id}`),
      },
      ...caseColumns(categories),
      ...taskStateColumns(),
    ],
  });
}

/** The commands a unit has on a task in its status. */
function unitCommands(task) {
  const commands = [];
  if (task.status === "open") {
    commands.push({
      key: "task_accept",
      label: t("action.accept_task"),
      kind: "primary",
      run: () =>
        openForm({
          title: t("my_tasks.accept_title", { id: task.id }),
          intro: h("p", {}, t("my_tasks.accept_intro")),
          fields: [],
          submitLabel: t("action.accept_task"),
          onSubmit: () => api.post(`/tasks/${task.id}/accept`, {}),
        }),
    });
  }
  if (task.status === "in_progress") {
    commands.push({
      key: "task_complete",
      label: t("action.complete"),
      kind: "primary",
      run: () =>
        openForm({
          title: t("my_tasks.complete_title", { id: task.id }),
          fields: [
            { name: "note", label: t("my_tasks.result_note"), type: "textarea", rows: 3 },
            {
              name: "photo",
              label: t("my_tasks.after_photos"),
              type: "file",
              accept: PHOTO_TYPES,
              multiple: true,
              required: true,
              hint: t("my_tasks.after_hint"),
            },
          ],
          submitLabel: t("action.complete"),
          onSubmit: (v) => {
            const form = new FormData();
            if (v.note) form.append("note", v.note);
            v.photo.forEach((file) => form.append("photo", file, file.name));
            return api.post(`/tasks/${task.id}/complete`, form);
          },
        }),
    });
  }
  if (task.status === "open" || task.status === "in_progress") {
    commands.push({
      key: "task_return",
      label: t("action.return_task"),
      kind: "danger",
      run: () =>
        openForm({
          title: t("my_tasks.return_title", { id: task.id }),
          fields: [
            {
              name: "reason",
              label: t("my_tasks.return_reason"),
              type: "textarea",
              rows: 3,
              required: true,
              maxLength: 500,
            },
          ],
          submitLabel: t("action.return_task"),
          danger: true,
          onSubmit: (v) => api.post(`/tasks/${task.id}/return`, { reason: v.reason }),
        }),
    });
  }
  return commands;
}

function commandButtons(commands, reload) {
  if (!commands.length) return h("p", { class: "muted" }, t("my_tasks.no_actions"));
  return h(
    "div",
    { class: "command-bar" },
    commands.map((command) =>
      h(
        "button",
        {
          type: "button",
          class: `btn btn-${command.kind}`,
          dataset: { command: command.key },
          onclick: async () => {
            if (await command.run()) {
              toast(t(`done.${command.key}`));
              reload();
            }
          },
        },
        command.label,
      ),
    ),
  );
}

/** The actions panel; on narrow screens it moves to the top of the page. */
function commandsPanel(buttons) {
  const element = panel(t("my_tasks.actions"), buttons);
  element.classList.add("panel-commands");
  return element;
}

/** Render one task of the unit with its case. */
export function renderMyTask(root, { params, signal }) {
  async function load() {
    root.replaceChildren(loading());
    let task;
    let report;
    try {
      task = await api.get(`/tasks/${params.id}`, {}, { signal });
      report = await api.get(`/reports/${task.report_id}`, {}, { signal });
    } catch (error) {
      if (error.name !== "AbortError") root.replaceChildren(errorBox(error, load));
      return;
    }
    const categories = await loadCategories().catch(() => null);
    if (signal.aborted) return;
    const before = report.photos.filter((p) => p.kind === "before");
    const after = report.photos.filter((p) => p.kind === "after");
    const reload = (kind) => () =>
      api
        .get(`/reports/${task.report_id}`)
        .then((fresh) => fresh.photos.filter((p) => p.kind === kind));
    root.replaceChildren(
      pageHeader(
        [
          t("my_tasks.title", { id: task.id }),
          taskStatusBadge(task.status),
          task.overdue ? overdueBadge() : null,
        ],
        h("a", { href: "#/my-tasks", class: "btn btn-ghost" }, t("action.back_to_tasks")),
      ),
      h(
        "div",
        { class: "detail-grid" },
        h(
          "div",
          { class: "detail-main" },
          panel(
            t("my_tasks.case"),
            facts([
              [
                t("report.id"),
                [
                  `#${report.id} `,
                  reportStatusBadge(report.status),
                  report.urgent ? urgentBadge() : null,
                ],
              ],
              [t("report.category"), categoryName(categories, report.category)],
              [t("report.description"), h("div", { class: "prewrap" }, report.description || "—")],
              [
                t("report.point"),
                h("span", { class: "mono" }, formatPoint(report.lat, report.lon)),
              ],
              [t("report.grid"), report.grid ? report.grid.name : t("report.unassigned")],
              [t("report.created_at"), formatTime(report.created_at)],
            ]),
          ),
          panel(
            t("report.photos"),
            photoStrip(before, t("report.photos"), { reload: reload("before") }),
          ),
          after.length
            ? panel(
                t("report.after_photos"),
                photoStrip(after, t("report.after_photos"), { reload: reload("after") }),
              )
            : null,
        ),
        h(
          "aside",
          { class: "detail-side" },
          commandsPanel(commandButtons(unitCommands(task), load)),
          panel(
            t("my_tasks.task"),
            facts([
              [t("task.due_at"), formatTime(task.due_at)],
              task.note ? [t("dispatch.note"), h("div", { class: "prewrap" }, task.note)] : null,
              task.return_reason ? [t("my_tasks.return_reason"), task.return_reason] : null,
              task.result_note ? [t("my_tasks.result_note"), task.result_note] : null,
            ]),
          ),
        ),
      ),
    );
  }
  load();
}
