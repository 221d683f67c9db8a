// Webhooks on the integrations page: subscriptions, and each one's delivery log with redelivery
// and a test event. Fields are read leniently (`pick`) so that a renamed field shows as empty
// instead of breaking the page; a server without webhooks (404) gets a plain explanation.

import { api } from "../api.js";
import { ApiError } from "../../../shared/http.js";
import { h } from "../../../shared/dom.js";
import { confirmAction, openForm } from "../dialog.js";
import {
  busy,
  dataTable,
  describeError,
  errorBox,
  facts,
  pagedRows,
  pageHeader,
  panel,
} from "../ui.js";
import { formatTime } from "../format.js";
import { t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { toast } from "../toast.js";
import { reachFields, reachOf } from "./api-keys.js";

export const WEBHOOK_EVENTS = [
  "report.created",
  "report.status_changed",
  "task.created",
  "task.status_changed",
  "task.overdue",
  "case.closed",
  "report.rated",
];
const DELIVERY_STATUSES = ["pending", "delivered", "failed"];
const SECRET_MIN_CHARS = 16;
const SECRET_BYTES = 24;

/** The first of `names` that `item` has. */
function pick(item, ...names) {
  for (const name of names) {
    if (item?.[name] !== undefined && item[name] !== null) return item[name];
  }
  return null;
}

/** Whether the server answered "there are no webhook endpoints here". */
function missingEndpoints(error) {
  return error instanceof ApiError && error.status === 404;
}

function eventLabel(event) {
  const known = [...WEBHOOK_EVENTS, "ping"].includes(event);
  return h(
    "span",
    { class: "badge plain", title: event },
    known ? t(`integrations.event.${event}`) : event,
  );
}

/** A fresh random secret, so that nobody types a weak one. */
function randomSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function createWebhook(choices) {
  return openForm({
    title: t("integrations.hook_create_title"),
    fields: [
      {
        name: "url",
        label: t("integrations.hook_url"),
        type: "url",
        required: true,
        hint: t("integrations.hook_url_hint"),
      },
      {
        name: "events",
        label: t("integrations.hook_events"),
        type: "checkboxes",
        required: true,
        options: WEBHOOK_EVENTS.map((event) => ({
          value: event,
          label: t(`integrations.event.${event}`),
          hint: event,
        })),
      },
      {
        name: "secret",
        label: t("integrations.hook_secret"),
        required: true,
        value: randomSecret(),
        hint: t("integrations.hook_secret_hint", { n: SECRET_MIN_CHARS }),
      },
      ...reachFields(choices, {
        areaHint: t("integrations.hook_area_hint"),
        unitHint: t("integrations.hook_unit_hint"),
      }),
    ],
    submitLabel: t("action.create"),
    onSubmit: (v) =>
      api.post("/webhooks", {
        url: v.url,
        events: v.events,
        secret: v.secret,
        community_code: v.community_code || null,
        unit_code: v.unit_code || null,
      }),
  });
}

/** Queue a test event to subscription `id`; true when it was queued. */
async function sendTestEvent(id) {
  try {
    await api.post(`/webhooks/${id}/test`);
    toast(t("done.test_event_queued"));
    return true;
  } catch (error) {
    const missing = missingEndpoints(error);
    toast(missing ? t("integrations.hooks_missing") : describeError(error), "error");
    return false;
  }
}

function hookActions(hook, reload) {
  const test = h("button", { type: "button", class: "btn btn-small" }, t("integrations.test"));
  test.addEventListener("click", () => busy(test, () => sendTestEvent(hook.id)));
  const remove = h(
    "button",
    {
      type: "button",
      class: "btn btn-danger btn-small",
      onclick: async () => {
        const done = await confirmAction({
          title: t("integrations.hook_delete_title"),
          message: t("integrations.hook_delete_message", { url: pick(hook, "url", "target_url") }),
          confirmLabel: t("action.delete"),
          danger: true,
          onConfirm: () => api.delete(`/webhooks/${hook.id}`),
        });
        if (done) reload();
      },
    },
    t("action.delete"),
  );
  return h(
    "div",
    { class: "row-actions" },
    h(
      "a",
      { class: "btn btn-small", href: `#/integrations/webhooks/${hook.id}` },
      t("integrations.deliveries"),
    ),
    test,
    remove,
  );
}

/** The webhook panel; `reload()` renders the page again after a change. */
export function webhooksPanel({ names, choices, reload, signal }) {
  const table = dataTable(
    [
      {
        title: t("integrations.hook_url"),
        class: "mono prewrap",
        cell: (w) => pick(w, "url", "target_url"),
      },
      {
        title: t("integrations.hook_events"),
        cell: (w) => (pick(w, "events") || []).map(eventLabel),
      },
      { title: t("integrations.reach"), cell: (w) => reachOf(w, names) },
      {
        title: t("integrations.created_at"),
        class: "col-time",
        cell: (w) => formatTime(pick(w, "created_at")),
      },
      { title: "", cell: (w) => hookActions(w, reload) },
    ],
    {
      emptyText: t("integrations.no_hooks"),
      caption: t("integrations.hooks"),
      rowProps: (w) => ({ dataset: { webhookId: w.id } }),
    },
  );
  const create = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary",
      hidden: true,
      onclick: async () => {
        if (await createWebhook(choices)) {
          toast(t("done.webhook_created"));
          reload();
        }
      },
    },
    t("integrations.hook_create"),
  );
  const body = h("div", {}, table.element);
  api
    .get("/webhooks", {}, { signal })
    .then((page) => {
      table.addRows(pick(page, "items") || []);
      create.hidden = false;
    })
    .catch((error) => {
      if (error.name === "AbortError") return;
      body.replaceChildren(
        missingEndpoints(error)
          ? h("div", { class: "notice-box", role: "status" }, t("integrations.hooks_missing"))
          : errorBox(error, reload),
      );
    });
  return panel(
    t("integrations.hooks"),
    h("p", { class: "muted" }, t("integrations.hooks_intro")),
    h("div", { class: "panel-actions" }, create),
    body,
  );
}

function deliveryStatus(delivery) {
  const status = pick(delivery, "status");
  const kind = { delivered: "issued", failed: "danger", pending: "warn" }[status] || "plain";
  return h(
    "span",
    { class: `badge ${kind}`, dataset: { status } },
    DELIVERY_STATUSES.includes(status) ? t(`integrations.delivery.${status}`) : status,
  );
}

function responseOf(delivery) {
  const code = pick(delivery, "last_status_code", "response_status", "status_code");
  const ms = pick(delivery, "response_ms", "response_time_ms", "duration_ms");
  return [
    code === null ? "" : `HTTP ${code}`,
    ms === null ? "" : t("integrations.ms", { n: Math.round(Number(ms)) }),
  ]
    .filter(Boolean)
    .join(" · ");
}

function redeliverButton(delivery, reload) {
  const button = h(
    "button",
    { type: "button", class: "btn btn-small" },
    t("integrations.redeliver"),
  );
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        await api.post(`/webhooks/deliveries/${delivery.id}/redeliver`);
        toast(t("done.redelivery_queued"));
        reload();
      } catch (error) {
        toast(describeError(error), "error");
      }
    }),
  );
  return button;
}

/** One subscription's delivery log (#/integrations/webhooks/:id), newest first. */
export async function renderDeliveries(root, { params, signal }) {
  const id = params.id;
  const reload = () => navigate(`/integrations/webhooks/${id}`, { replace: true });
  const test = h("button", { type: "button", class: "btn btn-primary" }, t("integrations.test"));
  test.addEventListener("click", () =>
    busy(test, async () => {
      if (await sendTestEvent(id)) reload();
    }),
  );
  const refresh = h(
    "button",
    { type: "button", class: "btn", onclick: reload },
    t("integrations.refresh"),
  );
  const back = h("a", { class: "btn", href: "#/integrations" }, t("integrations.back"));
  const summary = h("div");
  const table = dataTable(
    [
      {
        title: t("integrations.delivery_time"),
        class: "col-time",
        cell: (d) => formatTime(pick(d, "created_at", "occurred_at")),
      },
      {
        title: t("integrations.hook_event"),
        cell: (d) => eventLabel(pick(d, "event", "event_type")),
      },
      { title: t("integrations.delivery_status"), cell: deliveryStatus },
      {
        title: t("integrations.attempts"),
        cell: (d) => String(pick(d, "attempts", "attempt_count") ?? ""),
      },
      { title: t("integrations.response"), class: "mono", cell: responseOf },
      {
        title: t("integrations.last_error"),
        class: "prewrap",
        cell: (d) => pick(d, "last_error") || "",
      },
      {
        title: t("integrations.delivered_at"),
        class: "col-time",
        cell: (d) => formatTime(pick(d, "delivered_at")),
      },
      { title: "", cell: (d) => redeliverButton(d, reload) },
    ],
    {
      emptyText: t("integrations.no_deliveries"),
      caption: t("integrations.deliveries"),
      rowProps: (d) => ({ dataset: { deliveryId: d.id } }),
    },
  );
  const missing = h(
    "div",
    { class: "notice-box", role: "status", hidden: true },
    t("integrations.deliveries_missing"),
  );
  const rows = pagedRows(table, async (cursor) => {
    try {
      return await api.get(`/webhooks/${id}/deliveries`, { cursor }, { signal });
    } catch (error) {
      if (!missingEndpoints(error)) throw error;
      missing.hidden = false;
      return { items: [], next_cursor: null };
    }
  });
  root.append(
    pageHeader(t("integrations.deliveries_title"), back, refresh, test),
    summary,
    panel(null, missing, rows.message, table.element, rows.foot),
  );
  api
    .get("/webhooks", {}, { signal })
    .then((page) => {
      const hook = (pick(page, "items") || []).find((w) => String(w.id) === String(id));
      if (hook) {
        summary.replaceChildren(
          panel(
            null,
            facts([
              [
                t("integrations.hook_url"),
                h("span", { class: "mono" }, pick(hook, "url", "target_url")),
              ],
              [t("integrations.hook_events"), (pick(hook, "events") || []).map(eventLabel)],
            ]),
          ),
        );
      }
    })
    .catch(() => {});
  await rows.loadPage();
}
