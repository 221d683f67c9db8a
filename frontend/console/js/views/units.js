// Handling units (处置单位): the list in the caller's areas, and registering a new one.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { openForm } from "../dialog.js";
import { label, t } from "../i18n.js";
import { forgetReference, loadCommunities, loadUnits } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";
import { dataTable, errorBox, pageHeader } from "../ui.js";

export const UNIT_TYPES = [
  "property",
  "owners_committee",
  "party_branch",
  "law_enforcement",
  "street_office",
  "department",
];

async function createUnit(communities) {
  return openForm({
    title: t("units.create_title"),
    fields: [
      {
        name: "code",
        label: t("units.code"),
        required: true,
        maxLength: 32,
        hint: t("units.code_hint"),
      },
      { name: "name", label: t("units.name"), required: true, maxLength: 100 },
      {
        name: "type",
        label: t("units.type"),
        type: "select",
        required: true,
        placeholder: t("form.choose"),
        options: UNIT_TYPES.map((u) => ({ value: u, label: label("unit_type", u) })),
      },
      {
        name: "community_code",
        label: t("units.community"),
        type: "select",
        required: true,
        placeholder: t("form.choose"),
        options: communities.map((c) => ({
          value: c.code,
          label: c.street_name ? `${c.street_name} · ${c.name}` : c.name,
        })),
      },
    ],
    submitLabel: t("action.create"),
    onSubmit: (v) => api.post("/units", v),
  });
}

/** Render the units list. */
export async function renderUnits(root, { signal }) {
  const communities = await loadCommunities().catch(() => []);
  if (signal.aborted) return;
  const communityName = new Map(communities.map((c) => [c.code, c.name]));
  const add = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary",
      onclick: async () => {
        const unit = await createUnit(communities);
        if (unit) {
          toast(t("done.unit_created", { name: unit.name }));
          forgetReference("units");
          navigate("/units", { replace: true });
        }
      },
    },
    t("units.create"),
  );
  const table = dataTable(
    [
      { title: t("units.code"), class: "mono", cell: (u) => u.code },
      { title: t("units.name"), cell: (u) => u.name },
      { title: t("units.type"), cell: (u) => label("unit_type", u.type) },
      {
        title: t("units.community"),
        cell: (u) => communityName.get(u.community_code) || u.community_code,
      },
    ],
    { emptyText: t("units.empty") },
  );
  root.append(pageHeader(t("nav.units"), add), table.element);
  try {
    const units = await loadUnits();
    if (!signal.aborted) table.addRows([...units.values()]);
  } catch (error) {
    root.append(errorBox(error));
  }
}
