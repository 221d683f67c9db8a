// The outbox as the rider sees it: each report "waiting", "sending" (with progress), "sent" or
// "refused: reason", updated live and announced to screen readers.

import { categoryByCode } from "../categories.js";
import { h } from "../../../shared/dom.js";
import { statusHeadline } from "../../../shared/http.js";
import { icon, ICONS } from "../icons.js";
import { formatTime, hasText, localName, t } from "../i18n.js";
import { REFUSED, SENDING } from "../outbox-store.js";
import { dismissRefused, onOutboxChange, outboxItems } from "../outbox.js";

/** A live list of the outbox; returns {node, stop}. `showSent` adds this session's sent reports. */
export function outboxList({ showSent = true } = {}) {
  const list = h("ul", {
    class: "outbox-list",
    "aria-live": "polite",
    "aria-relevant": "additions text",
  });
  const node = h(
    "section",
    { class: "outbox", "aria-labelledby": "outbox-title", hidden: true },
    h("h2", { class: "section-title", id: "outbox-title" }, t("outbox.title")),
    list,
  );
  let previews = [];
  let drawing = Promise.resolve();

  const render = async () => {
    const { queued, sent } = await outboxItems();
    previews.forEach((url) => URL.revokeObjectURL(url));
    previews = [];
    const rows = [
      ...queued.slice().reverse().map(queuedRow),
      ...(showSent ? sent.map(sentRow) : []),
    ];
    node.hidden = rows.length === 0;
    list.replaceChildren(...rows);
  };
  // Redraws run one after another, and news arriving while one waits joins it; upload progress
  // (many times a second) only moves its bar.
  let redrawWaiting = false;
  const hear = (event) => {
    const bar =
      event.type === "progress" &&
      list.querySelector(`[data-client-id="${event.clientId}"] .upload-progress`);
    if (bar) {
      bar.value = event.fraction;
    } else if (!redrawWaiting) {
      redrawWaiting = true;
      drawing = drawing
        .then(() => {
          redrawWaiting = false;
          return render();
        })
        .catch(() => {});
    }
  };

  function preview(record) {
    const photo = record.photos[0];
    if (!photo || !photo.type.startsWith("image/"))
      return h("span", { class: "thumb" }, icon(ICONS.camera));
    const url = URL.createObjectURL(new Blob([photo.buffer], { type: photo.type }));
    previews.push(url);
    // Not every file the camera hands over is a picture the browser can show.
    return h("img", {
      class: "thumb",
      src: url,
      alt: "",
      onerror: (event) =>
        event.currentTarget.replaceWith(h("span", { class: "thumb" }, icon(ICONS.camera))),
    });
  }

  function queuedRow(record) {
    const state = record.state === REFUSED ? "refused" : record.state;
    const category = categoryByCode(record.fields.category);
    return h(
      "li",
      { class: `outbox-item state-${state}`, dataset: { clientId: record.client_id, state } },
      preview(record),
      h(
        "div",
        { class: "outbox-body" },
        h(
          "p",
          { class: "outbox-title" },
          localName(category),
          record.fields.urgent === "true"
            ? h("span", { class: "urgent-tag" }, t("report.urgent"))
            : null,
        ),
        h("p", { class: "outbox-meta" }, formatTime(new Date(record.queued_at).toISOString())),
        state === SENDING
          ? h("progress", {
              class: "upload-progress",
              max: 1,
              value: record.progress ?? 0,
              "aria-label": t("outbox.uploading"),
            })
          : null,
        state === "refused" ? refusalBlock(record) : null,
      ),
      h("span", { class: `chip outbox-state ${state}` }, t(`outbox.${state}`)),
    );
  }

  function refusalBlock(record) {
    const reason = record.refusal?.detail || record.refusal?.title || "";
    return h(
      "div",
      { class: "refusal" },
      h(
        "p",
        { class: "refusal-reason" },
        refusalTitle(record.refusal?.status),
        " ",
        h("span", { class: "refusal-detail" }, reason),
      ),
      h(
        "button",
        { class: "button small secondary", type: "button", onclick: () => dismissRefused(record) },
        t("outbox.dismiss"),
      ),
    );
  }

  function refusalTitle(status) {
    return t("outbox.refused_reason", { what: statusHeadline(status, { t, hasText }), status });
  }

  function sentRow(item) {
    const category = categoryByCode(item.fields.category);
    const id = item.report?.id;
    return h(
      "li",
      { class: "outbox-item state-sent", dataset: { clientId: item.client_id, state: "sent" } },
      h("span", { class: "thumb ok" }, icon(ICONS.check)),
      h(
        "div",
        { class: "outbox-body" },
        h("p", { class: "outbox-title" }, localName(category)),
        h("p", { class: "outbox-meta" }, item.report?.grid?.name || t("report.no_grid")),
      ),
      id
        ? h("a", { class: "chip outbox-state sent", href: `#/reports/${id}` }, t("outbox.sent"))
        : h("span", { class: "chip outbox-state sent" }, t("outbox.sent")),
    );
  }

  const stopListening = onOutboxChange(hear);
  hear({ type: "start" });
  const stop = () => {
    stopListening();
    previews.forEach((url) => URL.revokeObjectURL(url));
  };
  return { node, stop };
}
