// Notifications (消息通知): newest first, unread ones marked; opening one marks it read.

import { api } from "../api.js";
import { h } from "../../../shared/dom.js";
import { formatTime } from "../format.js";
import { getLang, t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { busy, errorBox, pageHeader } from "../ui.js";
import { setUnread } from "../unread.js";

function target(item, account) {
  if (item.kind === "rider_registered") return "/riders";
  if (account.role === "unit" && item.task_id) return `/my-tasks/${item.task_id}`;
  if (item.report_id) return `/reports/${item.report_id}`;
  return null;
}

/** Render the caller's notifications. */
export function renderNotifications(root, { account, signal }) {
  const list = h("ul", { class: "notifications" });
  const empty = h("p", { class: "muted", hidden: true }, t("notifications.empty"));
  const more = h("button", { type: "button", class: "btn", hidden: true }, t("queue.load_more"));
  const message = h("div");
  const markAll = h("button", { type: "button", class: "btn" }, t("notifications.mark_all"));
  let cursor = null;

  async function markRead(ids) {
    const answer = await api.post("/me/notifications/read", ids ? { ids } : {});
    setUnread(answer.unread);
  }

  function item(n) {
    const path = target(n, account);
    const unread = !n.read_at;
    const li = h(
      "li",
      {
        class: unread ? "notification unread" : "notification",
        dataset: { notificationId: String(n.id) },
      },
      h(
        "div",
        { class: "notification-head" },
        h("strong", {}, getLang() === "en" ? n.title_en : n.title_zh),
        h("time", { datetime: n.created_at }, formatTime(n.created_at)),
      ),
      n.body ? h("div", { class: "notification-body" }, n.body) : null,
    );
    if (path || unread) {
      li.classList.add("clickable");
      li.tabIndex = 0;
      const open = async () => {
        if (li.classList.contains("unread")) {
          li.classList.remove("unread");
          await markRead([n.id]).catch(() => {});
        }
        if (path) navigate(path);
      };
      li.addEventListener("click", open);
      li.addEventListener("keydown", (event) => {
        if (event.key === "Enter") open();
      });
    }
    return li;
  }

  async function loadPage() {
    message.replaceChildren();
    try {
      const page = await api.get("/me/notifications", { cursor, limit: 50 }, { signal });
      list.append(...page.items.map(item));
      setUnread(page.unread);
      cursor = page.next_cursor;
      more.hidden = !cursor;
      empty.hidden = list.children.length > 0;
    } catch (error) {
      if (error.name !== "AbortError") message.replaceChildren(errorBox(error, loadPage));
    }
  }

  markAll.addEventListener("click", () =>
    busy(markAll, async () => {
      await markRead(null);
      list.querySelectorAll(".unread").forEach((li) => li.classList.remove("unread"));
    }),
  );
  more.addEventListener("click", () => busy(more, loadPage));
  root.append(
    pageHeader(t("nav.notifications"), markAll),
    message,
    empty,
    list,
    h("div", { class: "table-foot" }, more),
  );
  loadPage();
}
