// One of my reports: status, photos before and after, the timeline, and feedback once closed.

import { api } from "../api.js";
import { cachedMe } from "../auth.js";
import { keepReport, keptReport } from "../reading-cache.js";
import { openPhotoViewer } from "./photo-viewer.js";
import { categoryByCode, loadCategories } from "../categories.js";
import { h, replace } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { toast } from "../toast.js";
import { ApiError, NetworkError } from "../../../shared/http.js";
import { formatTime, hasText, localName, t } from "../i18n.js";
import {
  errorBlock,
  errorText,
  loadingBlock,
  offlineNote,
  pageHeader,
  photoImage,
  statusChip,
} from "../ui.js";

const REOPEN_DAYS = 7;
// Photos are redacted in the background, usually within seconds of the upload.
const REDACTION_POLL_MS = 2000;
const REDACTION_POLL_ROUNDS = 60;

export function reportView({ root, params }) {
  const body = h("div", { class: "report-detail" }, loadingBlock());
  root.append(pageHeader(t("report.title", { id: params.id }), { back: "/reports" }), body);
  load();

  const accountId = cachedMe()?.id;

  async function load() {
    body.replaceChildren(loadingBlock());
    try {
      const [report, events] = await Promise.all([
        api(`/reports/${params.id}`),
        api(`/reports/${params.id}/events`),
        loadCategories().catch(() => {}),
      ]);
      if (accountId) keepReport(accountId, report, events.items).catch(() => {});
      replace(body, detail(report, events.items, load));
    } catch (error) {
      const kept =
        error instanceof NetworkError && accountId
          ? await keptReport(accountId, params.id).catch(() => undefined)
          : undefined;
      if (!kept) return body.replaceChildren(errorBlock(error, load));
      // As last read, to read only: rating and "not fixed" wait for the network.
      replace(body, offlineNote(kept.saved_at), detail(kept.report, kept.events, load, false));
    }
    return undefined;
  }
}

function detail(report, events, reload, online = true) {
  const category = categoryByCode(report.category);
  const isBefore = (p) => p.kind !== "after" && p.kind !== "check";
  const isAfter = (p) => p.kind === "after";
  const photosAgain = (which) => () =>
    api(`/reports/${report.id}`).then((fresh) => fresh.photos.filter(which));
  return [
    h(
      "div",
      { class: `status-banner status-${report.status}` },
      statusChip(report.status),
      h("p", {}, t(`status_help.${report.status}`)),
    ),
    report.rejection_reason
      ? h(
          "div",
          { class: "card rejection" },
          h("h2", {}, t("report.rejection_reason")),
          h("p", { class: "rejection-reason" }, report.rejection_reason),
        )
      : null,
    report.duplicate_of
      ? h(
          "a",
          { class: "card link-card", href: `#/reports/${report.duplicate_of}` },
          t("report.merged_into", { id: report.duplicate_of }),
        )
      : null,
    h(
      "div",
      { class: "card facts" },
      fact(t("report.category"), localName(category)),
      fact(t("report.grid"), report.grid?.name || report.community?.name || t("report.no_grid")),
      fact(t("report.time"), formatTime(report.created_at)),
      report.urgent ? fact(t("report.urgent_label"), t("report.urgent")) : null,
      report.supporters
        ? fact(t("report.supporters_label"), t("report.supporters", { n: report.supporters }))
        : null,
      report.description ? fact(t("report.description"), report.description) : null,
    ),
    photoSection(t("report.photos_before"), report.photos.filter(isBefore), photosAgain(isBefore)),
    photoSection(t("report.photos_after"), report.photos.filter(isAfter), photosAgain(isAfter)),
    report.status === "closed" && online ? feedback(report, reload) : null,
    h("section", { class: "card" }, h("h2", {}, t("report.timeline")), timeline(events)),
  ];
}

function fact(label, value) {
  return h(
    "div",
    { class: "fact" },
    h("span", { class: "fact-label" }, label),
    h("span", { class: "fact-value" }, value),
  );
}

/**
 * The photos of one kind. While one waits for redaction, `refetch()` gets them again every two
 * seconds and the section redraws itself, until none waits or the page is left.
 */
function photoSection(title, photos, refetch, round = 0) {
  if (!photos.length) return null;
  const section = h(
    "section",
    { class: "card" },
    h("h2", {}, title),
    h(
      "div",
      { class: "photo-grid" },
      photos.map((photo, i) =>
        photo.ready
          ? h(
              "button",
              {
                class: "photo-open",
                type: "button",
                dataset: { url: photo.url, label: title, alt: `${title} ${i + 1}` },
                onclick: openViewerAt,
              },
              photoImage(photo, { alt: `${title} ${i + 1}` }),
            )
          : h("span", { class: "photo-waiting" }, t("report.photo_waiting")),
      ),
    ),
  );
  const waiting = photos.some((photo) => photo.redaction === "pending");
  if (waiting && round < REDACTION_POLL_ROUNDS) {
    setTimeout(async () => {
      if (!section.isConnected) return;
      const fresh = await refetch().catch(() => photos);
      if (section.isConnected) {
        section.replaceWith(photoSection(title, fresh, refetch, round + 1) || "");
      }
    }, REDACTION_POLL_MS);
  }
  return section;
}

/** Open the viewer on the photo tapped, with every photo shown on the page (before, then
 * after) to swipe through. */
function openViewerAt(event) {
  const opener = event.currentTarget;
  const all = [...opener.closest(".report-detail").querySelectorAll(".photo-open")];
  openPhotoViewer(
    all.map(({ dataset }) => ({ url: dataset.url, alt: dataset.alt, label: dataset.label })),
    all.indexOf(opener),
  );
}

function timeline(events) {
  return h(
    "ol",
    { class: "timeline" },
    events.map((event) =>
      h(
        "li",
        {},
        h("time", { datetime: event.created_at }, formatTime(event.created_at)),
        h("p", { class: "timeline-what" }, eventText(event)),
        event.actor?.name ? h("p", { class: "timeline-who" }, event.actor.name) : null,
        event.note ? h("p", { class: "timeline-note" }, event.note) : null,
      ),
    ),
  );
}

function eventText(event) {
  if (event.kind === "status_changed" && event.to_status) {
    return t("event.status_changed", { status: t(`status.${event.to_status}`) });
  }
  const key = `event.${event.kind}`;
  return hasText(key) ? t(key) : event.kind.replaceAll("_", " ");
}

/** The rating given: its stars and comment, shown instead of asking again. */
function givenRating({ stars, comment }) {
  return h(
    "div",
    { class: "rating given-rating" },
    h(
      "p",
      { class: "stars", role: "img", "aria-label": t("feedback.given", { n: stars }) },
      [1, 2, 3, 4, 5].map((n) =>
        h("span", { class: `star${n <= stars ? " lit" : ""}` }, icon(ICONS.star, 24)),
      ),
    ),
    comment ? h("p", { class: "given-comment" }, comment) : null,
  );
}

/** Rate a closed case (or see the rating given), or say within 7 days that it is not fixed. */
function feedback(report, reload) {
  const closedAt = Date.parse(report.closed_at || report.updated_at);
  const canReopen = Date.now() - closedAt < REOPEN_DAYS * 24 * 3600 * 1000;
  const notFixedArea = canReopen ? notFixed(report, reload) : null;
  if (report.rating) {
    return h(
      "section",
      { class: "card feedback" },
      h("h2", {}, t("feedback.yours")),
      givenRating(report.rating),
      notFixedArea,
    );
  }
  let stars = 0;
  const starButtons = [1, 2, 3, 4, 5].map((n) =>
    h(
      "button",
      {
        class: "star",
        type: "button",
        "aria-label": t("feedback.stars", { n }),
        "aria-pressed": "false",
        onclick: () => {
          stars = n;
          starButtons.forEach((b, i) => b.setAttribute("aria-pressed", String(i < n)));
        },
      },
      icon(ICONS.star, 32),
    ),
  );
  const comment = h("textarea", {
    class: "input",
    rows: 2,
    maxlength: 500,
    id: "rating-comment",
    placeholder: t("feedback.comment"),
  });
  const rating = h(
    "div",
    { class: "rating" },
    h("div", { class: "stars", role: "group", "aria-label": t("feedback.title") }, starButtons),
    comment,
  );
  const rate = h(
    "button",
    {
      class: "button primary",
      type: "button",
      onclick: async () => {
        if (!stars) return toast(t("feedback.pick_stars"));
        rate.disabled = true;
        try {
          const given = await api(`/reports/${report.id}/rating`, {
            method: "POST",
            json: { stars, comment: comment.value.trim() },
          });
          replace(rating, h("p", { class: "thanks" }, t("feedback.thanks")), givenRating(given));
        } catch (error) {
          rate.disabled = false;
          if (!(error instanceof ApiError && error.status === 409))
            return toast(errorText(error), "error");
          replace(rating, h("p", { class: "thanks" }, t("feedback.already")));
        }
        rate.remove();
        return undefined;
      },
    },
    t("feedback.submit"),
  );
  return h(
    "section",
    { class: "card feedback" },
    h("h2", {}, t("feedback.title")),
    rating,
    rate,
    notFixedArea,
  );
}

function notFixed(report, reload) {
  const reason = h("textarea", {
    class: "input",
    rows: 2,
    maxlength: 500,
    id: "reopen-reason",
    placeholder: t("feedback.not_fixed_hint"),
  });
  const send = h(
    "button",
    {
      class: "button danger",
      type: "button",
      onclick: async () => {
        if (!reason.value.trim()) return toast(t("feedback.not_fixed_hint"));
        send.disabled = true;
        try {
          await api(`/reports/${report.id}/reopen`, {
            method: "POST",
            json: { reason: reason.value.trim() },
          });
          toast(t("feedback.reopened"), "ok");
          reload();
        } catch (error) {
          send.disabled = false;
          toast(errorText(error), "error");
        }
        return undefined;
      },
    },
    t("feedback.not_fixed_send"),
  );
  const form = h("div", { class: "not-fixed", hidden: true }, reason, send);
  return h(
    "div",
    { class: "not-fixed-area" },
    h(
      "button",
      {
        class: "button link",
        type: "button",
        onclick: () => {
          form.hidden = !form.hidden;
        },
      },
      t("feedback.not_fixed"),
    ),
    form,
  );
}
