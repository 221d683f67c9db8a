// Rider registration review (报到备案审核): approve, or reject with a reason.

import { api } from "../api.js";
import { plainBadge } from "../badges.js";
import { h } from "../../../shared/dom.js";
import { busy, dataTable, describeError, filterSelect, pagedRows, pageHeader } from "../ui.js";
import { openForm } from "../dialog.js";
import { label, t } from "../i18n.js";
import { loadCommunities } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";

const STATUSES = ["pending", "active", "rejected", "disabled"];

function reviewButtons(rider, reload) {
  if (rider.status !== "pending") return "";
  const approve = h(
    "button",
    { type: "button", class: "btn btn-primary btn-small", dataset: { command: "approve" } },
    t("action.approve_rider"),
  );
  approve.addEventListener("click", () =>
    busy(approve, async () => {
      try {
        await api.post(`/riders/${rider.id}/approve`, {});
        toast(t("done.rider_approved", { name: rider.name }));
        reload();
      } catch (error) {
        toast(describeError(error), "error");
      }
    }),
  );
  const reject = h(
    "button",
    {
      type: "button",
      class: "btn btn-danger btn-small",
      dataset: { command: "reject" },
      onclick: async () => {
        const done = await openForm({
          title: t("riders.reject_title", { name: rider.name }),
          fields: [
            {
              name: "reason",
              label: t("riders.reject_reason"),
              type: "textarea",
              rows: 3,
              required: true,
              maxLength: 500,
            },
          ],
          submitLabel: t("action.reject"),
          danger: true,
          onSubmit: (v) => api.post(`/riders/${rider.id}/reject`, { reason: v.reason }),
        });
        if (done) {
          toast(t("done.rider_rejected", { name: rider.name }));
          reload();
        }
      },
    },
    t("action.reject"),
  );
  return h("div", { class: "row-actions" }, approve, reject);
}

/** Render the riders awaiting review (or in another status). */
export async function renderRiders(root, { query, signal }) {
  const status = query.status ?? "pending";
  const reload = () => navigate("/riders", { query: { status }, replace: true });
  root.append(
    pageHeader(t("nav.riders")),
    h("p", { class: "page-intro" }, t("riders.intro")),
    h(
      "div",
      { class: "filters" },
      filterSelect(
        t("riders.status"),
        "status",
        STATUSES.map((s) => ({ value: s, label: label("account_status", s) })),
        status,
        (v) => navigate("/riders", { query: { status: v }, replace: true }),
      ),
    ),
  );
  const [communities, teams] = await Promise.all([
    loadCommunities().catch(() => []),
    api
      .get("/teams", {}, { signal })
      .then((page) => page.items)
      .catch(() => []),
  ]);
  if (signal.aborted) return;
  const communityName = new Map(communities.map((c) => [c.code, c.name]));
  const teamName = new Map(teams.map((team) => [team.id, team.name]));
  const table = dataTable(
    [
      { title: t("riders.name"), cell: (r) => r.name },
      { title: t("riders.phone"), class: "mono", cell: (r) => r.phone },
      { title: t("riders.platform"), cell: (r) => label("platform", r.platform) },
      {
        title: t("riders.party_member"),
        cell: (r) => (r.party_member ? plainBadge(t("riders.party_yes"), "party") : ""),
      },
      {
        title: t("riders.roles"),
        cell: (r) => (r.roles || []).map((role) => label("rider_role", role)).join("、"),
      },
      {
        title: t("riders.community"),
        cell: (r) => communityName.get(r.community_code) || r.community_code,
      },
      {
        title: t("riders.team"),
        cell: (r) => (r.team_id ? teamName.get(r.team_id) || `#${r.team_id}` : ""),
      },
      { title: "", cell: (r) => reviewButtons(r, reload) },
    ],
    { emptyText: t("riders.empty"), rowProps: (r) => ({ dataset: { riderId: String(r.id) } }) },
  );
  const { message, foot, loadPage } = pagedRows(table, (cursor) =>
    api.get("/riders", { status, cursor }, { signal }),
  );
  root.append(message, table.element, foot);
  loadPage();
}
