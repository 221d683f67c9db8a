// The urgent-report banner: a red, pulsing alert above the page, one per report (the tone and
// the desktop notification are urgent-alerts.js's).

import { h } from "../../shared/dom.js";
import { formatTime } from "./format.js";
import { t } from "./i18n.js";
import { categoryName, loadCategories } from "./reference.js";

const MAX_SHOWN = 3;
const TITLE_MARK = "【!】";

function markTitle(on) {
  const marked = document.title.startsWith(TITLE_MARK);
  if (on && !marked) document.title = TITLE_MARK + document.title;
  if (!on && marked) document.title = document.title.slice(TITLE_MARK.length);
}

/** One line saying what and where an urgent report is: category · grid · time. */
export async function urgentSummary(report) {
  const categories = await loadCategories().catch(() => null);
  const where = report.grid ? report.grid.name : t("report.unassigned");
  return [categoryName(categories, report.category), where, formatTime(report.created_at)]
    .filter(Boolean)
    .join(" · ");
}

/** The alerts area; `show(report)` adds an alert for a newly arrived urgent report. */
export function createUrgentBanner(onOpen) {
  const region = h("section", {
    class: "urgent-banner",
    "aria-live": "assertive",
    "aria-label": t("urgent.region"),
  });

  function dismiss(alert) {
    alert.remove();
    if (!region.children.length) markTitle(false);
  }

  async function show(report) {
    const summary = await urgentSummary(report);
    if (region.querySelector(`[data-report-id="${CSS.escape(String(report.id))}"]`)) return;
    const alert = h(
      "div",
      { class: "urgent-alert", role: "alert", dataset: { reportId: String(report.id) } },
      h("strong", { class: "urgent-alert-title" }, t("urgent.title", { id: report.id })),
      h("span", { class: "urgent-alert-text" }, summary),
      report.description ? h("span", { class: "urgent-alert-desc" }, report.description) : null,
      h("span", { class: "spacer" }),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-light",
          onclick: () => {
            dismiss(alert);
            onOpen(report.id);
          },
        },
        t("urgent.open"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn-icon",
          "aria-label": t("action.dismiss"),
          title: t("action.dismiss"),
          onclick: () => dismiss(alert),
        },
        "×",
      ),
    );
    region.prepend(alert);
    while (region.children.length > MAX_SHOWN) region.lastElementChild.remove();
    markTitle(true);
  }

  function clear() {
    region.replaceChildren();
    markTitle(false);
  }

  return { element: region, show, clear };
}
