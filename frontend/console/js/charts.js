// Charts of the figures page: Apache ECharts (vendored from npm), imported only when that page
// first draws one, so the console's first load never carries it. Drawn as SVG so that the
// browser tests (and screen magnifiers) read real elements; every chart has a table beside it.

import { h } from "../../shared/dom.js";
import { getLang, t } from "./i18n.js";

const ECHARTS = "../../vendor/echarts/echarts.esm.min.js";
let loaded = null;

/** The ECharts module, imported once. */
function echarts() {
  loaded ??= import(ECHARTS);
  return loaded;
}

/**
 * A chart of `option` in a box named `name` (data-chart), with `table` (a node) in a
 * disclosure beside it; the chart is disposed when `signal` aborts.
 */
export function chartWithTable(name, caption, option, table, signal) {
  const box = h("div", {
    class: "chart",
    role: "img",
    "aria-label": caption,
    dataset: { chart: name },
  });
  echarts()
    .then((lib) => {
      if (signal.aborted) return;
      const chart = lib.init(box, null, {
        renderer: "svg",
        locale: getLang() === "en" ? "EN" : "ZH",
      });
      chart.setOption({ animation: false, ...option });
      const resize = new ResizeObserver(() => chart.resize());
      resize.observe(box);
      signal.addEventListener("abort", () => {
        resize.disconnect();
        chart.dispose();
      });
      box.dataset.ready = "true";
    })
    .catch(() => box.replaceChildren(h("p", { class: "muted" }, t("stats.chart_failed"))));
  return h(
    "div",
    { class: "chart-block" },
    box,
    h("details", { class: "chart-data" }, h("summary", {}, t("stats.chart_table")), table),
  );
}
