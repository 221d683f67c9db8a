// Policy notices (政策宣讲): publish to riders of an area, and see how far each one reached.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { openForm } from "../dialog.js";
import { formatCount, formatTime } from "../format.js";
import { t } from "../i18n.js";
import { areaChoices, loadCommunities } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";
import { dataTable, pageHeader, pagedRows } from "../ui.js";

function publishNotice(communities) {
  return openForm({
    title: t("notices.publish_title"),
    fields: [
      { name: "title", label: t("notices.title"), required: true, maxLength: 100 },
      { name: "body", label: t("notices.body"), type: "textarea", rows: 8, required: true },
      {
        name: "area_code",
        label: t("notices.area"),
        type: "select",
        placeholder: t("notices.all_my_areas"),
        options: areaChoices(communities),
      },
    ],
    submitLabel: t("notices.publish"),
    onSubmit: (v) =>
      api.post("/notices", { title: v.title, body: v.body, area_code: v.area_code || null }),
  });
}

/** Render the notices list with their reach. */
export async function renderNotices(root, { signal }) {
  const communities = await loadCommunities().catch(() => []);
  if (signal.aborted) return;
  const areaName = new Map(areaChoices(communities).map((c) => [c.value, c.label]));
  const add = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary",
      onclick: async () => {
        const notice = await publishNotice(communities);
        if (notice) {
          toast(t("done.notice_published"));
          navigate("/notices", { replace: true });
        }
      },
    },
    t("notices.publish"),
  );
  const reach = (n) => n.reach || {};
  const table = dataTable(
    [
      {
        title: t("notices.title"),
        cell: (n) => [
          h("div", { class: "strong" }, n.title),
          h("div", { class: "muted clamp" }, n.body),
        ],
      },
      {
        title: t("notices.area"),
        cell: (n) =>
          n.area_code ? areaName.get(n.area_code) || n.area_code : t("notices.all_my_areas"),
      },
      {
        title: t("notices.published_at"),
        class: "col-time",
        cell: (n) => formatTime(n.published_at),
      },
      { title: t("notices.audience"), cell: (n) => formatCount(reach(n).audience) },
      { title: t("notices.read"), cell: (n) => formatCount(reach(n).read) },
      { title: t("notices.shared"), cell: (n) => formatCount(reach(n).shared) },
    ],
    { emptyText: t("notices.empty") },
  );
  const { message, foot, loadPage } = pagedRows(table, (cursor) =>
    api.get("/notices", { cursor }, { signal }),
  );
  root.append(pageHeader(t("nav.notices"), add), message, table.element, foot);
  loadPage();
}
