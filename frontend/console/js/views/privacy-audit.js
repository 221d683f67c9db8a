// 隐私审计 (admins): who looked at what redaction or masking hides, when and why, newest first.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { formatTime } from "../format.js";
import { t } from "../i18n.js";
import { dataTable, pageHeader, pagedRows, panel } from "../ui.js";

function reportLink(item) {
  return h("a", { href: `#/reports/${item.report_id}` }, `#${item.report_id}`);
}

function viewerName(viewer) {
  return viewer.name ? `${viewer.name}（${viewer.username}）` : viewer.username;
}

// A function: the column titles are read in the language chosen when the page is drawn.
const trails = () => [
  {
    path: "/privacy/photo-reveals",
    title: "audit.reveals",
    columns: [
      { title: t("audit.when"), cell: (item) => formatTime(item.revealed_at) },
      { title: t("audit.viewer"), cell: (item) => viewerName(item.viewer) },
      { title: t("audit.report"), cell: reportLink },
      { title: t("audit.region"), cell: (item) => String(item.region + 1) },
      { title: t("audit.reason"), cell: (item) => item.reason },
    ],
  },
  {
    path: "/privacy/caller-phone-views",
    title: "audit.phone_views",
    columns: [
      { title: t("audit.when"), cell: (item) => formatTime(item.viewed_at) },
      { title: t("audit.viewer"), cell: (item) => viewerName(item.viewer) },
      { title: t("audit.report"), cell: reportLink },
    ],
  },
];

/** One audit trail as a table, with a button for older entries. */
function trail({ path, title, columns }, signal) {
  const table = dataTable(columns, {
    emptyText: t("audit.empty"),
    caption: t(title),
    rowProps: (item) => ({ dataset: { auditId: String(item.id) } }),
  });
  const paged = pagedRows(table, (cursor) => api.get(path, { cursor, limit: 50 }, { signal }));
  paged.loadPage();
  return panel(t(title), paged.message, table.element, paged.foot);
}

/** Render both trails. */
export function renderPrivacyAudit(root, { signal }) {
  root.append(
    pageHeader(t("nav.privacy_audit")),
    h("p", { class: "muted" }, t("audit.intro")),
    ...trails().map((spec) => trail(spec, signal)),
  );
}
