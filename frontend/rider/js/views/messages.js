// Notifications: what happened to my reports, newest first; unread ones stand out.

import { api } from "../api.js";
import { showUnread } from "../badge.js";
import { h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { formatTime, getLang, t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { emptyBlock, pagedList, pageHeader } from "../ui.js";

export function messagesView({ root }) {
  const list = h("ul", { class: "message-list" });
  const more = h("div", { class: "list-more" });
  const readAll = h(
    "button",
    { class: "button small secondary", type: "button", onclick: markAllRead },
    t("messages.read_all"),
  );
  root.append(pageHeader(t("messages.title"), { actions: readAll }), list, more);
  const loadPage = pagedList({
    list,
    more,
    fetchPage: (cursor) => api("/me/notifications", { query: { cursor, limit: 30 } }),
    item: row,
    empty: () => emptyBlock(t("messages.empty"), "bell"),
    onPage: (page) => {
      showUnread(page.unread);
      readAll.hidden = !page.unread;
    },
  });
  loadPage(null);

  function row(item) {
    const title = getLang() === "en" ? item.title_en : item.title_zh;
    const open = async () => {
      if (!item.read_at) {
        const result = await api("/me/notifications/read", {
          method: "POST",
          json: { ids: [item.id] },
        }).catch(() => null);
        if (result) showUnread(result.unread);
      }
      if (item.report_id) navigate(`/reports/${item.report_id}`);
    };
    return h(
      "li",
      {},
      h(
        "button",
        { class: `message${item.read_at ? "" : " unread"}`, type: "button", onclick: open },
        h("span", { class: "message-icon" }, icon(ICONS.bell, 20)),
        h(
          "span",
          { class: "message-body" },
          h("span", { class: "message-title" }, title),
          item.body ? h("span", { class: "message-text" }, item.body) : null,
          h("span", { class: "message-time" }, formatTime(item.created_at)),
        ),
        item.read_at ? null : h("span", { class: "dot", "aria-label": t("messages.unread") }),
      ),
    );
  }

  async function markAllRead() {
    readAll.disabled = true;
    const result = await api("/me/notifications/read", { method: "POST", json: {} }).catch(
      () => null,
    );
    readAll.disabled = false;
    if (!result) return;
    showUnread(result.unread);
    list.querySelectorAll(".message.unread").forEach((node) => node.classList.remove("unread"));
    list.querySelectorAll(".dot").forEach((node) => node.remove());
    readAll.hidden = true;
  }
}
