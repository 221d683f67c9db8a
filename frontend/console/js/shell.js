// The frame around every page once logged in: top bar, role menu, urgent banner, view area.

import { api } from "./api.js";
import { createUrgentBanner } from "./banner.js";
import { h } from "./dom.js";
import { label, language, setLanguage, t } from "./i18n.js";
import { menuFor } from "./menu.js";
import { onStreamState, streamState } from "./urgent-stream.js";
import { onUnread } from "./unread.js";

/** A language switch (中文 | EN); also used on the login page. */
export function languageSwitch() {
  const button = (code, text) =>
    h(
      "button",
      {
        type: "button",
        className: "lang-option",
        lang: code,
        "aria-pressed": String(language() === code),
        onclick: () => setLanguage(code),
      },
      text,
    );
  return h(
    "div",
    { className: "lang-switch", role: "group", "aria-label": t("lang.switch") },
    button("zh-CN", "中文"),
    button("en", "EN"),
  );
}

/** Build the frame for `account`; `onLogout()` is called by its logout button. */
export function createShell(account, { onLogout, onOpenReport, live }) {
  const nav = h(
    "nav",
    { className: "sidebar", "aria-label": t("nav.label") },
    menuFor(account.role).map((item) =>
      h(
        "a",
        {
          href: `#${item.path}`,
          className: item.group ? `nav-link nav-${item.group}` : "nav-link",
          dataset: { path: item.path },
          hidden: Boolean(item.probe),
        },
        h("span", { className: "nav-label" }, t(item.key)),
        item.path === "/notifications" ? h("span", { className: "nav-count", hidden: true }) : null,
      ),
    ),
  );
  const liveIndicator = live
    ? h(
        "span",
        { className: "live", dataset: { streamState: streamState() }, title: t("live.title") },
        t("live.label"),
      )
    : null;
  const banner = createUrgentBanner(onOpenReport);
  const view = h("main", { id: "view", className: "view", tabindex: "-1" });
  const frame = h(
    "div",
    { className: "app" },
    h(
      "header",
      { className: "topbar" },
      h(
        "a",
        { className: "brand", href: "#/" },
        h("span", { className: "brand-mark", "aria-hidden": "true" }, "探"),
        h("span", { className: "brand-name" }, t("app.name")),
        h("span", { className: "brand-sub" }, t("app.subtitle")),
      ),
      h("span", { className: "spacer" }),
      liveIndicator,
      languageSwitch(),
      h(
        "span",
        { className: "who" },
        h("span", { className: "who-name" }, account.username),
        h("span", { className: "who-role" }, label("role", account.role)),
      ),
      h(
        "button",
        { type: "button", className: "btn btn-ghost", onclick: onLogout },
        t("action.logout"),
      ),
    ),
    h("div", { className: "frame" }, nav, h("div", { className: "content" }, banner.element, view)),
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
  const badge = nav.querySelector(".nav-count");
  if (badge) {
    unsubscribers.push(
      onUnread((count) => {
        badge.textContent = String(count);
        badge.hidden = count === 0;
        badge.setAttribute("aria-label", t("notifications.unread", { n: count }));
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
