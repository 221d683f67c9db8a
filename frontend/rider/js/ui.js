// Pieces every screen uses: headers, loading/empty/error blocks, status chips, photos.

import { h } from "../../shared/dom.js";
import { navigate } from "../../shared/router.js";
import { logOut } from "./auth.js";
import { icon, ICONS } from "./icons.js";
import { problemMessage } from "../../shared/http.js";
import { formatTime, hasText, t } from "./i18n.js";

/** A screen title, with a back button when `back` is a path (or true for history.back). */
export function pageHeader(title, { back = null, actions = null } = {}) {
  const backButton = back
    ? h(
        "button",
        {
          class: "icon-button back",
          type: "button",
          "aria-label": t("common.back"),
          onclick: () =>
            back === true && history.length > 1
              ? history.back()
              : (location.hash = `#${back === true ? "/" : back}`),
        },
        icon(ICONS.back),
      )
    : null;
  return h("header", { class: "page-header" }, backButton, h("h1", {}, title), actions);
}

export function loadingBlock() {
  return h(
    "div",
    { class: "loading", role: "status", "aria-busy": "true" },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    t("common.loading"),
  );
}

export function emptyBlock(text, iconName = "list") {
  return h("div", { class: "empty" }, icon(ICONS[iconName], 40), h("p", {}, text));
}

/** What went wrong, in the rider's words: offline, or the server's own reason. */
export function errorText(error) {
  return problemMessage(error, { t, hasText });
}

export function errorBlock(error, retry) {
  return h(
    "div",
    { class: "error-block", role: "alert" },
    icon(ICONS.alert, 28),
    h("p", {}, errorText(error)),
    retry
      ? h(
          "button",
          { class: "button secondary", type: "button", onclick: retry },
          t("common.retry"),
        )
      : null,
  );
}

/** 离线: what is shown is as last read from the server, at `savedAt` (ms). */
export function offlineNote(savedAt) {
  return h(
    "p",
    { class: "offline-note", role: "status" },
    h("strong", {}, t("net.offline")),
    " ",
    t("reading.as_of", { time: formatTime(new Date(savedAt).toISOString()) }),
  );
}

/** A coloured chip for a report status. */
export function statusChip(status) {
  return h("span", { class: `chip status-${status}` }, t(`status.${status}`));
}

/** A report photo (thumbnail unless `full`), lazy and sized to avoid layout jumps. */
export function photoImage(photo, { full = false, alt = "" } = {}) {
  return h("img", {
    src: full ? photo.url : photo.thumbnail_url || photo.url,
    alt,
    loading: "lazy",
    decoding: "async",
    width: photo.width || null,
    height: photo.height || null,
  });
}

/** Render `load()`'s result into `box` with `draw`, showing loading and error states. */
export async function loadInto(box, load, draw) {
  box.replaceChildren(loadingBlock());
  try {
    const data = await load();
    box.replaceChildren();
    draw(data);
  } catch (error) {
    box.replaceChildren(errorBlock(error, () => loadInto(box, load, draw)));
  }
}

/** "Log out", back to the login screen (queued reports stay for this rider's next login). */
export function logoutButton(className) {
  return h(
    "button",
    {
      class: className,
      type: "button",
      onclick: async () => {
        await logOut();
        navigate("/login", { replace: true });
      },
    },
    t("me.logout"),
  );
}

/**
 * Load a cursor-paged list into `list`, with a "more" button (or the empty or error block) in
 * `more`. `fetchPage(cursor)` resolves with `{items, next_cursor}`; `onPage(page)` sees each page.
 * Returns the loader: call it with null for the first page.
 */
export function pagedList({ list, more, fetchPage, item, empty, onPage = () => {} }) {
  async function loadPage(cursor) {
    more.replaceChildren(loadingBlock());
    try {
      const page = await fetchPage(cursor);
      onPage(page);
      list.append(...page.items.map(item));
      more.replaceChildren();
      if (!cursor && !page.items.length) more.append(empty());
      if (page.next_cursor) {
        more.append(
          h(
            "button",
            {
              class: "button secondary block",
              type: "button",
              onclick: () => loadPage(page.next_cursor),
            },
            t("common.more"),
          ),
        );
      }
    } catch (error) {
      more.replaceChildren(errorBlock(error, () => loadPage(cursor)));
    }
  }
  return loadPage;
}
