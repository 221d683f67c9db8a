// API keys on the integrations page: issue one (its whole key is shown once), list, revoke.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { confirmAction, openForm, showNotice } from "../dialog.js";
import { formatTime } from "../format.js";
import { t } from "../i18n.js";
import { toast } from "../toast.js";
import { dataTable, errorBox, panel } from "../ui.js";

export const API_SCOPES = ["reports:read", "reports:write", "cases:write", "open311"];
const DEFAULT_RATE_PER_MINUTE = 600;
const MAX_RATE_PER_MINUTE = 100000;

/** A scope's readable name, with its code kept as a tooltip for integrators. */
function scopeBadge(scope) {
  const known = API_SCOPES.includes(scope);
  return h(
    "span",
    { class: "badge plain", title: scope, dataset: { scope } },
    known ? t(`integrations.scope.${scope}`) : scope,
  );
}

/** Where a key or subscription acts: its community or unit by name, else everywhere. */
export function reachOf(item, { areaName, unitName }) {
  if (item.unit_code) return t("integrations.reach_unit", { name: unitName(item.unit_code) });
  if (item.community_code) return areaName(item.community_code);
  return t("integrations.reach_all");
}

/** The community and unit fields shared by the key and webhook dialogs. */
export function reachFields({ areas, units }, { areaHint, unitHint }) {
  return [
    {
      name: "community_code",
      label: t("integrations.area"),
      type: "select",
      placeholder: t("integrations.reach_all"),
      options: areas,
      hint: areaHint,
    },
    {
      name: "unit_code",
      label: t("integrations.unit"),
      type: "select",
      placeholder: t("integrations.no_unit"),
      options: units,
      hint: unitHint,
    },
  ];
}

function createKey(choices) {
  return openForm({
    title: t("integrations.key_create_title"),
    fields: [
      {
        name: "name",
        label: t("integrations.key_name"),
        required: true,
        maxLength: 64,
        hint: t("integrations.key_name_hint"),
      },
      {
        name: "scopes",
        label: t("integrations.key_scopes"),
        type: "checkboxes",
        required: true,
        options: API_SCOPES.map((scope) => ({
          value: scope,
          label: t(`integrations.scope.${scope}`),
          hint: scope,
        })),
      },
      ...reachFields(choices, {
        areaHint: t("integrations.key_area_hint"),
        unitHint: t("integrations.key_unit_hint"),
      }),
      {
        name: "rate_limit_per_minute",
        label: t("integrations.rate"),
        type: "number",
        min: 1,
        max: MAX_RATE_PER_MINUTE,
        step: 1,
        value: DEFAULT_RATE_PER_MINUTE,
        required: true,
        hint: t("integrations.rate_hint"),
      },
    ],
    submitLabel: t("action.create"),
    onSubmit: (v) =>
      api.post("/api-keys", {
        name: v.name,
        scopes: v.scopes,
        community_code: v.community_code || null,
        unit_code: v.unit_code || null,
        rate_limit_per_minute: v.rate_limit_per_minute,
      }),
  });
}

async function copyText(text, secret, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t("integrations.copied");
  } catch {
    // No clipboard (an insecure origin, a refused permission): select the key for a manual copy.
    const range = document.createRange();
    range.selectNodeContents(secret);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    toast(t("integrations.copy_by_hand"), "error");
  }
}

/** The one and only time a key is shown. Nothing keeps it: the dialog leaves the page on close. */
function showKeyOnce(issued) {
  const secret = h("code", { class: "secret", dataset: { secretKey: "" } }, issued.key);
  const copy = h("button", { type: "button", class: "btn" }, t("integrations.copy"));
  copy.addEventListener("click", () => copyText(issued.key, secret, copy));
  return showNotice({
    title: t("integrations.key_created"),
    body: h(
      "div",
      { class: "key-once" },
      h("p", { class: "warning", role: "alert" }, t("integrations.key_once")),
      h("div", { class: "secret-row" }, secret, copy),
      h("p", { class: "muted" }, t("integrations.key_use", { prefix: issued.key_prefix })),
    ),
    closeLabel: t("integrations.key_saved"),
  });
}

function revokeButton(key, reload) {
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-danger btn-small",
      onclick: async () => {
        const done = await confirmAction({
          title: t("integrations.revoke_title"),
          message: t("integrations.revoke_message", { name: key.name }),
          confirmLabel: t("integrations.revoke"),
          danger: true,
          onConfirm: () => api.delete(`/api-keys/${key.id}`),
        });
        if (done) {
          toast(t("done.key_revoked"));
          reload();
        }
      },
    },
    t("integrations.revoke"),
  );
}

function stateBadge(key) {
  return key.revoked_at
    ? [
        h("span", { class: "badge cancelled" }, t("integrations.revoked")),
        h("div", { class: "muted" }, formatTime(key.revoked_at)),
      ]
    : h("span", { class: "badge issued" }, t("integrations.active"));
}

/** The API-key panel; `reload()` renders the page again after a change. */
export function apiKeysPanel({ names, choices, reload, signal }) {
  const table = dataTable(
    [
      {
        title: t("integrations.key_name"),
        cell: (k) => h("span", { class: "strong" }, k.name),
      },
      { title: t("integrations.key_scopes"), cell: (k) => (k.scopes || []).map(scopeBadge) },
      { title: t("integrations.reach"), cell: (k) => reachOf(k, names) },
      {
        title: t("integrations.rate"),
        cell: (k) => t("integrations.per_minute", { n: k.rate_limit_per_minute }),
      },
      { title: t("integrations.key_prefix"), class: "mono", cell: (k) => `${k.key_prefix}…` },
      {
        title: t("integrations.created_at"),
        class: "col-time",
        cell: (k) => formatTime(k.created_at),
      },
      {
        title: t("integrations.last_used"),
        class: "col-time",
        cell: (k) => (k.last_used_at ? formatTime(k.last_used_at) : t("integrations.never_used")),
      },
      { title: t("integrations.state"), cell: stateBadge },
      { title: "", cell: (k) => (k.revoked_at ? "" : revokeButton(k, reload)) },
    ],
    {
      emptyText: t("integrations.no_keys"),
      caption: t("integrations.keys"),
      rowProps: (k) => ({
        dataset: { keyId: k.id, keyState: k.revoked_at ? "revoked" : "active" },
      }),
    },
  );
  const message = h("div");
  const create = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary",
      onclick: async () => {
        const issued = await createKey(choices);
        if (!issued) return;
        await showKeyOnce(issued);
        reload();
      },
    },
    t("integrations.key_create"),
  );
  api
    .get("/api-keys", {}, { signal })
    .then((page) => table.addRows(page.items))
    .catch((error) => {
      if (error.name !== "AbortError") message.replaceChildren(errorBox(error, reload));
    });
  return panel(
    t("integrations.keys"),
    h("p", { class: "muted" }, t("integrations.keys_intro")),
    h("div", { class: "panel-actions" }, create),
    message,
    table.element,
  );
}
