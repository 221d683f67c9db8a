// The frame around every page once logged in: top bar, role menu with its counts, urgent
// banner, view area.

import { api } from "./api.js";
import { createUrgentBanner } from "./banner.js";
import { h } from "../../shared/dom.js";
import { getLang, label, setLang, t } from "./i18n.js";
import { menuFor } from "./menu.js";
import { onStreamState, streamState } from "./live-stream.js";
import { onUnread } from "./unread.js";
import { onInbox } from "./inbox.js";
import { desktopPermissionControl } from "./urgent-alerts.js";

/** A language switch (中文 | EN); also used on the login page. */
export function languageSwitch() {
  const button = (code, text) =>
    h(
      "button",
      {
        type: "button",
        class: "lang-option",
        lang: code,
        "aria-pressed": String(getLang() === code),
        onclick: () => setLang(code),
      },
      text,
    );
  return h(
    "div",
    { class: "lang-switch", role: "group", "aria-label": t("lang.switch") },
    button("zh-CN", "中文"),
    button("en", "EN"),
  );
}

/** Build the frame for `account`; `onLogout()` is called by its logout button. */
export function createShell(account, { onLogout, onOpenReport, live }) {
  const nav = h(
    "nav",
    { class: "sidebar", "aria-label": t("nav.label") },
    menuFor(account.role).map((item) =>
      h(
        "a",
        {
          href: `#${item.path}`,
          class: item.group ? `nav-link nav-${item.group}` : "nav-link",
          dataset: { path: item.path },
          hidden: Boolean(item.probe),
        },
        h("span", { class: "nav-label" }, t(item.key)),
        item.path === "/notifications" || item.counts
          ? h("span", { class: "nav-count", hidden: true })
          : null,
      ),
    ),
  );
  const liveIndicator = live
    ? h(
        "span",
        { class: "live", dataset: { streamState: streamState() }, title: t("live.title") },
        t("live.label"),
      )
    : null;
  const banner = createUrgentBanner(onOpenReport);
  const view = h("main", { id: "view", class: "view", tabindex: "-1" });
  const frame = h(
    "div",
    { class: "app" },
    h(
      "header",
      { class: "topbar" },
      h(
        "a",
        { class: "brand", href: "#/" },
        h("span", { class: "brand-mark", "aria-hidden": "true" }, "探"),
        h("span", { class: "brand-name" }, t("app.name")),
        h("span", { class: "brand-sub" }, t("app.subtitle")),
      ),
      h("span", { class: "spacer" }),
      liveIndicator,
      live ? desktopPermissionControl() : null,
      languageSwitch(),
      h(
        "span",
        { class: "who" },
        h("span", { class: "who-name" }, account.username),
        h("span", { class: "who-role" }, label("role", account.role)),
      ),
      h(
        "button",
        { type: "button", class: "btn btn-ghost", onclick: onLogout },
        t("action.logout"),
      ),
    ),
    h("div", { class: "frame" }, nav, h("div", { class: "content" }, banner.element, view)),
  );

  for (const item of menuFor(account.role).filter((entry) => entry.probe)) {
    api
      .get(item.probe)
      .then(() => {
        nav.querySelector(`[data-path="${item.path}"]`).hidden = false;
      })
      .catch(() => {});
  }

  const unsubscribers = [];
  if (liveIndicator) {
    unsubscribers.push(
      onStreamState((state) => {
        liveIndicator.dataset.streamState = state;
      }),
    );
  }
  const badgeOf = (path) => nav.querySelector(`[data-path="${path}"] .nav-count`);
  const setBadge = (badge, count, text) => {
    badge.textContent = String(count);
    badge.hidden = count === 0;
    badge.setAttribute("aria-label", text);
  };
  const unreadBadge = badgeOf("/notifications");
  if (unreadBadge) {
    unsubscribers.push(
      onUnread((count) => setBadge(unreadBadge, count, t("notifications.unread", { n: count }))),
    );
  }
  const counted = menuFor(account.role).filter((item) => item.counts);
  if (counted.length) {
    unsubscribers.push(
      onInbox((counts) => {
        for (const item of counted) {
          const parts = item.counts.map((name) => t(`inbox.${name}`, { n: counts[name] }));
          const total = item.counts.reduce((sum, name) => sum + counts[name], 0);
          setBadge(badgeOf(item.path), total, parts.join(" · "));
        }
      }),
    );
  }

  return {
    element: frame,
    view,
    banner,
    /** Highlight the menu entry of the current path. */
    setActive(path) {
      const top = `/${path.split("/")[1] || ""}`;
      for (const link of nav.querySelectorAll("a")) {
        const active = link.dataset.path === top;
        link.classList.toggle("active", active);
        if (active) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      }
    },
    destroy() {
      unsubscribers.forEach((fn) => fn());
      frame.remove();
    },
  };
}
