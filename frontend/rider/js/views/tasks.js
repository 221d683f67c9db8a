// Things to do besides reporting: verification tasks nearby ("is it fixed?") and policy notices.

import { api } from "../api.js";
import { categoryByCode, loadCategories } from "../categories.js";
import { h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { formatTime, localName, t } from "../i18n.js";
import { emptyBlock, loadInto, pageHeader } from "../ui.js";

export function tasksView({ root }) {
  const verifications = h("div", {});
  const notices = h("div", {});
  root.append(
    pageHeader(t("tasks.title")),
    h(
      "section",
      { class: "task-section" },
      h("h2", { class: "section-title" }, t("tasks.verifications")),
      h("p", { class: "hint" }, t("tasks.verifications_hint")),
      verifications,
    ),
    h(
      "section",
      { class: "task-section" },
      h("h2", { class: "section-title" }, t("tasks.notices")),
      notices,
    ),
  );
  loadInto(
    verifications,
    async () => {
      await loadCategories().catch(() => {});
      return api("/verifications", { query: { status: "open" } });
    },
    (data) =>
      verifications.append(
        data.items.length
          ? h("ul", { class: "task-list" }, data.items.map(verificationCard))
          : emptyBlock(t("tasks.no_verifications"), "tasks"),
      ),
  );
  loadInto(
    notices,
    () => api("/notices"),
    (data) => notices.append(noticeList(data.items)),
  );
}

function verificationCard(task) {
  return h(
    "li",
    {},
    h(
      "a",
      { class: "task-card", href: `#/verifications/${task.id}` },
      h("span", { class: "task-icon" }, icon(ICONS.search, 24)),
      h(
        "span",
        { class: "task-body" },
        h("span", { class: "task-title" }, localName(categoryByCode(task.category))),
        h("span", { class: "task-meta" }, task.description || formatTime(task.reported_at)),
        h("span", { class: "task-meta task-distance" }, distanceLine(task)),
      ),
      h("span", { class: "chip new" }, t("tasks.go_check")),
    ),
  );
}

/** How far the case is from where the rider last reported, with when it was reported. */
function distanceLine(task) {
  const when = t("tasks.reported_at", { time: formatTime(task.reported_at) });
  if (task.distance_m == null) return when;
  const km = task.distance_m >= 1000;
  const away = km
    ? t("tasks.distance_km", { km: (task.distance_m / 1000).toFixed(1) })
    : t("tasks.distance_m", { m: Math.round(task.distance_m / 10) * 10 });
  return `${away} · ${when}`;
}

/** The notices list, unread first in bold. */
export function noticeList(items) {
  if (!items.length) return emptyBlock(t("tasks.no_notices"), "megaphone");
  return h(
    "ul",
    { class: "task-list" },
    items.map((notice) =>
      h(
        "li",
        {},
        h(
          "a",
          {
            class: `task-card notice${notice.read_at ? "" : " unread"}`,
            href: `#/notices/${notice.id}`,
          },
          h("span", { class: "task-icon" }, icon(ICONS.megaphone, 24)),
          h(
            "span",
            { class: "task-body" },
            h("span", { class: "task-title" }, notice.title),
            h("span", { class: "task-meta" }, formatTime(notice.published_at)),
          ),
          noticeChip(notice),
        ),
      ),
    ),
  );
}

function noticeChip(notice) {
  if (notice.shared_at) return h("span", { class: "chip done" }, t("notice.shared_chip"));
  if (notice.read_at) return h("span", { class: "chip done" }, t("notice.read"));
  return h("span", { class: "chip new" }, t("notice.new"));
}
