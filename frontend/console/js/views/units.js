// Handling units (处置单位): the list in the caller's areas with each one's contact and workload,
// registering a new one, and one unit's page (its details, contact and staff logins).

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { confirmAction, openForm } from "../dialog.js";
import { formatTime } from "../format.js";
import { label, t } from "../i18n.js";
import { forgetReference, loadCommunities } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";
import { busy, dataTable, describeError, errorBox, facts, pageHeader, panel } from "../ui.js";

export const UNIT_TYPES = [
  "property",
  "owners_committee",
  "party_branch",
  "law_enforcement",
  "street_office",
  "department",
];

const CONTACT_PHONE_HINT = "0550-6012345 / 13900000000";

function unitFields(unit = {}) {
  return [
    { name: "name", label: t("units.name"), required: true, maxLength: 100, value: unit.name },
    {
      name: "type",
      label: t("units.type"),
      type: "select",
      required: true,
      placeholder: t("form.choose"),
      value: unit.type,
      options: UNIT_TYPES.map((u) => ({ value: u, label: label("unit_type", u) })),
    },
    {
      name: "contact_name",
      label: t("units.contact_name"),
      maxLength: 50,
      value: unit.contact_name,
    },
    {
      name: "contact_phone",
      label: t("units.contact_phone"),
      type: "tel",
      maxLength: 20,
      value: unit.contact_phone,
      hint: CONTACT_PHONE_HINT,
    },
  ];
}

/** The form's contact fields as the API wants them: an empty field clears the contact. */
function withContact(values) {
  return {
    ...values,
    contact_name: values.contact_name || null,
    contact_phone: values.contact_phone || null,
  };
}

async function createUnit(communities) {
  const [name, type, ...contact] = unitFields();
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
      name,
      type,
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
      ...contact,
    ],
    submitLabel: t("action.create"),
    onSubmit: (v) => api.post("/units", withContact(v)),
  });
}

function editUnit(unit) {
  return openForm({
    title: t("units.edit_title", { name: unit.name }),
    fields: unitFields(unit),
    submitLabel: t("action.save"),
    onSubmit: (v) => api.patch(`/units/${unit.id}`, withContact(v)),
  });
}

function contactLine(unit) {
  if (!unit.contact_name && !unit.contact_phone) return h("span", { class: "muted" }, "—");
  return [
    unit.contact_name ? h("div", {}, unit.contact_name) : null,
    unit.contact_phone
      ? h("a", { href: `tel:${unit.contact_phone}`, class: "mono" }, unit.contact_phone)
      : null,
  ];
}

function workloadLine(load) {
  if (!load) return "—";
  return h(
    "span",
    { class: "workload", "data-open": load.open, "data-overdue": load.overdue },
    t("units.workload_line", { open: load.open, in_progress: load.in_progress }),
    load.overdue
      ? h("span", { class: "badge overdue" }, t("units.overdue_n", { n: load.overdue }))
      : null,
  );
}

async function loadWorkloads(signal) {
  const { items } = await api.get("/units/workload", {}, { signal });
  return new Map(items.map((w) => [w.unit_id, w]));
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
  let workloads = new Map();
  const table = dataTable(
    [
      { title: t("units.code"), class: "mono", cell: (u) => u.code },
      {
        title: t("units.name"),
        cell: (u) => h("a", { href: `#/units/${u.id}` }, u.name),
      },
      { title: t("units.type"), cell: (u) => label("unit_type", u.type) },
      {
        title: t("units.community"),
        cell: (u) => communityName.get(u.community_code) || u.community_code,
      },
      { title: t("units.contact"), cell: contactLine },
      { title: t("units.workload"), cell: (u) => workloadLine(workloads.get(u.id)) },
    ],
    { emptyText: t("units.empty"), rowProps: (u) => ({ "data-unit-code": u.code }) },
  );
  root.append(pageHeader(t("nav.units"), add), table.element);
  try {
    const [{ items }, loads] = await Promise.all([
      api.get("/units", {}, { signal }),
      loadWorkloads(signal),
    ]);
    workloads = loads;
    if (!signal.aborted) table.addRows(items);
  } catch (error) {
    if (error.name !== "AbortError") root.append(errorBox(error));
  }
}

function addStaff(unit) {
  return openForm({
    title: t("units.add_account_title", { name: unit.name }),
    intro: t("units.add_account_intro"),
    fields: [
      {
        name: "username",
        label: t("units.username"),
        required: true,
        maxLength: 64,
        hint: t("units.username_hint"),
      },
      { name: "display_name", label: t("units.display_name"), maxLength: 64 },
      {
        name: "password",
        label: t("units.initial_password"),
        type: "password",
        required: true,
        hint: t("units.password_hint"),
      },
    ],
    submitLabel: t("action.create"),
    onSubmit: (v) => api.post(`/units/${unit.id}/accounts`, v),
  });
}

function staffTable(unit, reload) {
  const toggle = (account) => {
    const enable = account.status !== "active";
    const button = h(
      "button",
      { type: "button", class: enable ? "btn btn-small" : "btn btn-small btn-danger" },
      t(enable ? "units.enable" : "units.disable"),
    );
    const change = () =>
      api.patch(`/units/${unit.id}/accounts/${account.id}`, {
        status: enable ? "active" : "disabled",
      });
    button.addEventListener("click", async () => {
      const done = enable
        ? await busy(button, () => change().catch((error) => toast(describeError(error), "error")))
        : await confirmAction({
            title: t("units.disable_title", { username: account.username }),
            message: t("units.disable_message"),
            confirmLabel: t("units.disable"),
            danger: true,
            onConfirm: change,
          });
      if (done) {
        toast(t(enable ? "done.account_enabled" : "done.account_disabled"));
        reload();
      }
    });
    return button;
  };
  return dataTable(
    [
      { title: t("units.username"), class: "mono", cell: (a) => a.username },
      { title: t("units.display_name"), cell: (a) => a.display_name },
      {
        title: t("units.account_status"),
        cell: (a) =>
          a.status === "active" ? t("units.can_sign_in") : label("account_status", a.status),
      },
      { title: t("units.created_at"), class: "col-time", cell: (a) => formatTime(a.created_at) },
      { title: "", cell: toggle },
    ],
    { emptyText: t("units.no_accounts"), rowProps: (a) => ({ "data-username": a.username }) },
  );
}

/** One unit: its details, contact and workload, and its staff's logins. */
export async function renderUnit(root, { params, signal }) {
  const unitId = Number(params.id);
  const [communities, units, workloads] = await Promise.all([
    loadCommunities().catch(() => []),
    api.get("/units", {}, { signal }).catch((error) => error),
    loadWorkloads(signal).catch(() => new Map()),
  ]);
  if (signal.aborted) return;
  if (units instanceof Error) {
    root.append(errorBox(units));
    return;
  }
  const unit = units.items.find((u) => u.id === unitId);
  if (!unit) {
    root.append(pageHeader(t("nav.units")), h("p", { class: "muted" }, t("units.not_found")));
    return;
  }
  const community = communities.find((c) => c.code === unit.community_code);
  const reopen = () => navigate(`/units/${unit.id}`, { replace: true });
  const edit = h("button", { type: "button", class: "btn" }, t("action.edit"));
  edit.addEventListener("click", async () => {
    if (await editUnit(unit)) {
      toast(t("done.unit_saved"));
      forgetReference("units");
      reopen();
    }
  });
  const add = h("button", { type: "button", class: "btn btn-primary" }, t("units.add_account"));
  add.addEventListener("click", async () => {
    const account = await addStaff(unit);
    if (account) {
      toast(t("done.account_created", { username: account.username }));
      reopen();
    }
  });
  const staff = staffTable(unit, reopen);
  root.append(
    pageHeader(unit.name, edit),
    panel(
      null,
      facts([
        [t("units.code"), h("span", { class: "mono" }, unit.code)],
        [t("units.type"), label("unit_type", unit.type)],
        [t("units.community"), community ? community.name : unit.community_code],
        [t("units.contact"), contactLine(unit)],
        [t("units.workload"), workloadLine(workloads.get(unit.id))],
      ]),
    ),
    panel(t("units.accounts"), h("div", { class: "page-actions" }, add), staff.element),
  );
  try {
    const { items } = await api.get(`/units/${unit.id}/accounts`, {}, { signal });
    if (!signal.aborted) staff.addRows(items);
  } catch (error) {
    if (error.name !== "AbortError") root.append(errorBox(error));
  }
}
