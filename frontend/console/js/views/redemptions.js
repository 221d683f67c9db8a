// Redemptions (积分兑换) waiting to be handed over: issue once the rider's code (兑换码) is typed
// in and matches, or cancel with a reason (refunds).

import { api } from "../api.js";
import { plainBadge } from "../badges.js";
import { h } from "../../../shared/dom.js";
import { dataTable, filterSelect, pagedRows, pageHeader } from "../ui.js";
import { openForm } from "../dialog.js";
import { formatCount, formatTime } from "../format.js";
import { label, t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";

const STATUSES = ["pending", "issued", "cancelled"];

function actions(redemption, reload) {
  if (redemption.status !== "pending") return "";
  const issue = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary btn-small",
      dataset: { command: "issue" },
      onclick: async () => {
        const done = await openForm({
          title: t("redemptions.issue_title", { reward: redemption.reward_name }),
          intro: h("p", { class: "muted" }, t("redemptions.issue_intro")),
          fields: [
            {
              name: "pickup_code",
              label: t("redemptions.pickup_code"),
              required: true,
              maxLength: 6,
            },
          ],
          submitLabel: t("redemptions.issue"),
          onSubmit: (v) =>
            api.post(`/redemptions/${redemption.id}/issue`, { pickup_code: v.pickup_code }),
        });
        if (done) {
          toast(t("done.redemption_issued"));
          reload();
        }
      },
    },
    t("redemptions.issue"),
  );
  const cancel = h(
    "button",
    {
      type: "button",
      class: "btn btn-danger btn-small",
      dataset: { command: "cancel" },
      onclick: async () => {
        const done = await openForm({
          title: t("redemptions.cancel_title"),
          intro: h("p", { class: "muted" }, t("redemptions.cancel_intro")),
          fields: [
            {
              name: "reason",
              label: t("redemptions.cancel_reason"),
              type: "textarea",
              rows: 2,
              required: true,
              maxLength: 200,
            },
          ],
          submitLabel: t("redemptions.cancel"),
          danger: true,
          onSubmit: (v) => api.post(`/redemptions/${redemption.id}/cancel`, { reason: v.reason }),
        });
        if (done) {
          toast(t("done.redemption_cancelled"));
          reload();
        }
      },
    },
    t("redemptions.cancel"),
  );
  return h("div", { class: "row-actions" }, issue, cancel);
}

/** Render the redemptions in one status (pending by default). */
export function renderRedemptions(root, { query, signal }) {
  const status = query.status ?? "pending";
  const reload = () => navigate("/redemptions", { query: { status }, replace: true });
  const table = dataTable(
    [
      { title: t("redemptions.id"), class: "col-id", cell: (r) => `#${r.id}` },
      { title: t("redemptions.reward"), cell: (r) => r.reward_name },
      {
        title: t("redemptions.rider"),
        cell: (r) => (r.rider ? `${r.rider.name} · ${r.rider.phone}` : ""),
      },
      { title: t("redemptions.cost"), cell: (r) => formatCount(r.cost) },
      {
        title: t("redemptions.status"),
        cell: (r) => plainBadge(label("redemption_status", r.status), r.status),
      },
      {
        title: t("redemptions.created_at"),
        class: "col-time",
        cell: (r) => formatTime(r.created_at),
      },
      { title: "", cell: (r) => actions(r, reload) },
    ],
    {
      emptyText: t("redemptions.empty"),
      rowProps: (r) => ({ dataset: { redemptionId: String(r.id) } }),
    },
  );
  const { message, foot, loadPage } = pagedRows(table, (cursor) =>
    api.get("/redemptions", { status, cursor }, { signal }),
  );
  root.append(
    pageHeader(t("nav.redemptions")),
    h(
      "div",
      { class: "filters" },
      filterSelect(
        t("redemptions.status"),
        "status",
        STATUSES.map((s) => ({ value: s, label: label("redemption_status", s) })),
        status,
        (v) => navigate("/redemptions", { query: { status: v }, replace: true }),
      ),
    ),
    message,
    table.element,
    foot,
  );
  loadPage();
}
