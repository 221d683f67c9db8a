// Status and flag badges: colour by status, text from the language file.

import { h } from "../../shared/dom.js";
import { label, t } from "./i18n.js";

/** A report (case) status badge: 待受理, 已派单, … (words from the shared glossary) */
export function reportStatusBadge(status) {
  return h(
    "span",
    { class: `badge report-${status}`, dataset: { status } },
    label("status", status),
  );
}

/** A task status badge: 待接单, 处置中, … */
export function taskStatusBadge(status) {
  return h(
    "span",
    { class: `badge task-${status}`, dataset: { status } },
    label("task_status", status),
  );
}

/** The red 紧急 flag. */
export function urgentBadge() {
  return h("span", { class: "badge urgent" }, t("report.urgent"));
}

/** The 超期 flag for overdue tasks. */
export function overdueBadge() {
  return h("span", { class: "badge overdue" }, t("task.overdue"));
}

/** A neutral badge for other enums (role, channel, account status). */
export function plainBadge(text, kind = "") {
  return h("span", { class: `badge plain ${kind}`.trim() }, text);
}
