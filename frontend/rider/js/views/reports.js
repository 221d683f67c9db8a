// My reports: what is still in the outbox, then the server's list, newest first (without a
// network: the list as last read, marked 离线).

import { api } from "../api.js";
import { cachedMe } from "../auth.js";
import { NetworkError } from "../../../shared/http.js";
import { keepReportsPage, keptReports } from "../reading-cache.js";
import { categoryByCode, loadCategories } from "../categories.js";
import { h } from "../../../shared/dom.js";
import { categoryIcon, icon, ICONS } from "../icons.js";
import { formatTime, localName, t } from "../i18n.js";
import { emptyBlock, offlineNote, pagedList, pageHeader, statusChip } from "../ui.js";
import { outboxList } from "./outbox-list.js";

const PAGE_SIZE = 20;

export function reportsView({ root }) {
  const outbox = outboxList({ showSent: false });
  const list = h("ul", { class: "report-list" });
  const more = h("div", { class: "list-more" });
  const note = h("div", {});
  root.append(pageHeader(t("reports.title")), outbox.node, note, list, more);
  const accountId = cachedMe()?.id;

  async function fetchPage(cursor) {
    try {
      const page = await api("/reports", { query: { limit: PAGE_SIZE, cursor } });
      if (accountId) keepReportsPage(accountId, page.items, { first: !cursor }).catch(() => {});
      return page;
    } catch (error) {
      const kept =
        error instanceof NetworkError && !cursor && accountId
          ? await keptReports(accountId).catch(() => undefined)
          : undefined;
      if (!kept) throw error;
      note.replaceChildren(offlineNote(kept.saved_at));
      return { items: kept.items, next_cursor: null };
    }
  }

  const loadPage = pagedList({
    list,
    more,
    fetchPage,
    item: reportCard,
    empty: () => emptyBlock(t("reports.empty"), "camera"),
  });
  loadCategories()
    .catch(() => {})
    .finally(() => loadPage(null));

  return () => outbox.stop();
}

/** One report in a list: photo, category, grid, time, status. */
function reportCard(report) {
  const category = categoryByCode(report.category);
  const photo = report.photos?.find((each) => each.ready);
  return h(
    "li",
    {},
    h(
      "a",
      { class: "report-card", href: `#/reports/${report.id}`, dataset: { reportId: report.id } },
      photo
        ? h("img", { class: "thumb", src: photo.thumbnail_url, alt: "", loading: "lazy" })
        : h("span", { class: "thumb" }, icon(ICONS[categoryIcon(category)])),
      h(
        "div",
        { class: "report-card-body" },
        h(
          "p",
          { class: "report-card-title" },
          localName(category),
          report.urgent ? h("span", { class: "urgent-tag" }, t("report.urgent")) : null,
        ),
        h(
          "p",
          { class: "report-card-grid" },
          report.grid?.name || report.community?.name || t("report.no_grid"),
        ),
        h("p", { class: "report-card-time" }, formatTime(report.created_at)),
      ),
      statusChip(report.status),
    ),
  );
}
