// The rewards catalogue (积分奖品): what riders can redeem, and adding items (admins).

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { openForm } from "../dialog.js";
import { formatCount } from "../format.js";
import { t } from "../i18n.js";
import { areaChoices, loadCommunities } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";
import { dataTable, errorBox, pageHeader } from "../ui.js";

function createReward(communities) {
  return openForm({
    title: t("rewards.create_title"),
    fields: [
      { name: "name", label: t("rewards.name"), required: true, maxLength: 100 },
      {
        name: "description",
        label: t("rewards.description"),
        type: "textarea",
        rows: 2,
        maxLength: 500,
      },
      { name: "pickup_place", label: t("rewards.pickup_place"), maxLength: 200 },
      {
        name: "pickup_hours",
        label: t("rewards.pickup_hours"),
        maxLength: 100,
        hint: t("rewards.pickup_hours_hint"),
      },
      { name: "cost", label: t("rewards.cost"), type: "number", required: true, min: 1, step: 1 },
      { name: "stock", label: t("rewards.stock"), type: "number", required: true, min: 0, step: 1 },
      {
        name: "monthly_limit_per_rider",
        label: t("rewards.monthly_limit"),
        type: "number",
        min: 1,
        step: 1,
        hint: t("rewards.monthly_limit_hint"),
      },
      {
        name: "community_code",
        label: t("rewards.area"),
        type: "select",
        placeholder: t("rewards.everywhere"),
        options: areaChoices(communities),
      },
    ],
    submitLabel: t("action.create"),
    onSubmit: (v) =>
      api.post(
        "/rewards",
        Object.fromEntries(Object.entries(v).filter(([, value]) => value !== null && value !== "")),
      ),
  });
}

/** Render the catalogue. */
export async function renderRewards(root, { account, signal }) {
  const communities = await loadCommunities().catch(() => []);
  if (signal.aborted) return;
  const areaName = new Map(areaChoices(communities).map((c) => [c.value, c.label]));
  const add =
    account.role === "admin"
      ? h(
          "button",
          {
            type: "button",
            class: "btn btn-primary",
            onclick: async () => {
              const reward = await createReward(communities);
              if (reward) {
                toast(t("done.reward_created", { name: reward.name }));
                navigate("/rewards", { replace: true });
              }
            },
          },
          t("rewards.create"),
        )
      : null;
  const table = dataTable(
    [
      {
        title: t("rewards.name"),
        cell: (r) => [
          h("div", {}, r.name),
          r.description ? h("div", { class: "muted" }, r.description) : null,
        ],
      },
      { title: t("rewards.cost"), cell: (r) => formatCount(r.cost) },
      {
        title: t("rewards.stock"),
        cell: (r) => h("span", { class: r.stock === 0 ? "text-danger" : "" }, formatCount(r.stock)),
      },
      {
        title: t("rewards.area"),
        cell: (r) =>
          r.community_code
            ? areaName.get(r.community_code) || r.community_code
            : t("rewards.everywhere"),
      },
    ],
    { emptyText: t("rewards.empty") },
  );
  root.append(pageHeader(t("nav.rewards"), add), table.element);
  try {
    const page = await api.get("/rewards", {}, { signal });
    table.addRows(page.items);
  } catch (error) {
    if (error.name !== "AbortError") root.append(errorBox(error));
  }
}
